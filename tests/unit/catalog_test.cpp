#include "sync/catalog.hpp"
#include "sync/singletons.hpp"
#include "util/error.hpp"

#include <catch2/catch.hpp>
#include <regex>

using namespace mana;
using nlohmann::json;

namespace {

const std::string ts = "2026-04-26T21:18:54.123Z";

// A catalog of one kind: the built-in userContext with the fields given.
std::string one_kind(const json& changes) {
    auto kind = catalog_json(builtin_catalog())["kinds"][0];
    kind.merge_patch(changes);
    return json{{"version", 1}, {"kinds", {kind}}}.dump();
}

std::string refusal(const std::string& text) {
    try {
        parse_catalog(text, "test.json");
    } catch (const Error& e) {
        CHECK(e.code() == Exit::usage);
        return e.what();
    }
    FAIL("the catalog was accepted: " << text);
    return "";
}

} // namespace

TEST_CASE("the built-in catalog is SPEC 2.3 and its rows are the same bytes as before") {
    const auto& catalog = builtin_catalog();
    REQUIRE(catalog.kinds.size() == 2);
    CHECK(catalog.source == "built-in");
    const auto& user = catalog.kinds[0];
    CHECK((user.name == "userContext" && user.scope == Scope::user && user.app_id == "profile" &&
           user.table_name == "userContext" && user.record_id == "singleton" && !user.retired));
    const auto& space = catalog.kinds[1];
    CHECK((space.name == "kontextDoc" && space.scope == Scope::space && space.app_id == "kontext" &&
           space.table_name == "kontextDoc" && !space.record_id && !space.retired));

    // The text the tool wrote before the catalog, to the byte.
    const auto user_row = KindRows(user, ts).row("u1", "");
    CHECK(user_row.data ==
          R"({"about":{},"freeform":"","goals":[],"id":"singleton",)"
          R"("interests":[],"interview":{"answeredIds":[],"skippedIds":[]},)"
          R"("leisure":{},"nutrition":{},"routine":{},"social":{},"userId":"u1"})");
    CHECK(user_row.field_meta ==
          R"({"about":"2026-04-26T21:18:54.123Z","freeform":"2026-04-26T21:18:54.123Z",)"
          R"("goals":"2026-04-26T21:18:54.123Z","interests":"2026-04-26T21:18:54.123Z",)"
          R"("interview":"2026-04-26T21:18:54.123Z","leisure":"2026-04-26T21:18:54.123Z",)"
          R"("nutrition":"2026-04-26T21:18:54.123Z","routine":"2026-04-26T21:18:54.123Z",)"
          R"("social":"2026-04-26T21:18:54.123Z","userId":"2026-04-26T21:18:54.123Z"})");
    const auto space_row = KindRows(space, ts).row("s1", "w1");
    CHECK(std::regex_match(space_row.record_id,
                           std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                      "[0-9a-f]{12}")));
    CHECK(space_row.data == R"({"content":"","id":")" + space_row.record_id + R"("})");
    CHECK(space_row.field_meta == R"({"content":"2026-04-26T21:18:54.123Z"})");
    CHECK(space_row.user_id == "w1");
    CHECK(space_row.space_id == std::optional<std::string>("s1"));

    // Its file form reads back as itself.
    const auto again = parse_catalog(catalog_json(catalog).dump(2), "again.json");
    CHECK(catalog_json(again) == catalog_json(catalog));
    CHECK(json::parse(builtin_catalog_json()) == catalog_json(catalog));
}

TEST_CASE("a template's placeholders are whole string values, anywhere in the data") {
    const auto catalog =
        parse_catalog(json{{"kinds",
                            {{{"name", "spaceSettings"},
                              {"scope", "space"},
                              {"app_id", "settings"},
                              {"table_name", "spaceSettings"},
                              {"record_id", "self"},
                              {"data",
                               {{"id", "${record_id}"},
                                {"owner", {{"space", "${space_id}"}, {"by", "${user_id}"}}},
                                {"ids", {"${user_id}", "${record_id}"}},
                                {"note", "not \"${user_id}\" here"},
                                {"tail", "x\"${user_id}"},
                                {"literal", "${user_id} and more"}}}}}}}
                          .dump(),
                      "test.json");
    const auto row = KindRows(catalog.kinds[0], ts).row("s\"1", "w1");
    CHECK(row.record_id == "self");
    CHECK(json::parse(row.data) == json{{"id", "self"},
                                        {"owner", {{"space", "s\"1"}, {"by", "w1"}}},
                                        {"ids", {"w1", "self"}},
                                        {"note", "not \"${user_id}\" here"},
                                        {"tail", "x\"${user_id}"},
                                        {"literal", "${user_id} and more"}});
    CHECK(json::parse(row.field_meta) ==
          json{{"owner", ts}, {"ids", ts}, {"note", ts}, {"tail", ts}, {"literal", ts}});
}

TEST_CASE("a malformed catalog is a usage error naming the field and why") {
    CHECK_THAT(refusal("{\"kinds\": ["),
               Catch::StartsWith("catalog test.json: (file): not valid JSON"));
    CHECK(refusal("[]") == "catalog test.json: (file): not a JSON object");
    // Found by fuzz_catalog: a number too large for a double is no crash.
    CHECK_THAT(refusal(R"({"kinds": 1e999})"),
               Catch::StartsWith("catalog test.json: (file): not valid JSON (") &&
                   Catch::Contains("number overflow"));
    CHECK(refusal(R"({"version": 2, "kinds": []})") ==
          "catalog test.json: version: this mana-auth reads version 1");
    CHECK(refusal(R"({"kinds": []})") == "catalog test.json: kinds: not a non-empty list of kinds");
    CHECK(refusal(R"({"kind": []})") ==
          "catalog test.json: kind: not a field of a catalog (version, kinds)");
    CHECK(refusal(one_kind({{"scope", "group"}})) ==
          "catalog test.json: kinds[0].scope: \"group\" is neither user nor space");
    CHECK(refusal(one_kind({{"data", "{\"id\": 1}"}})) ==
          "catalog test.json: kinds[0].data: not a JSON object");
    CHECK(refusal(one_kind({{"app_id", nullptr}})) ==
          "catalog test.json: kinds[0].app_id: missing");
    CHECK(refusal(one_kind({{"table_name", ""}})) ==
          "catalog test.json: kinds[0].table_name: not a non-empty string");
    CHECK(refusal(one_kind({{"name", "user context"}})) ==
          "catalog test.json: kinds[0].name: not a letter followed by letters, digits or _");
    CHECK(refusal(one_kind({{"retird", true}})) ==
          "catalog test.json: kinds[0].retird: not a field of a kind");
    CHECK(refusal(one_kind({{"retired", "yes"}})) ==
          "catalog test.json: kinds[0].retired: not true or false");
    CHECK(refusal(one_kind({{"record_id", "${uuid}"}})) ==
          "catalog test.json: kinds[0].record_id: a user's kind needs a fixed record id: its "
          "rows are found by table_name, record_id and user");
    CHECK(refusal(one_kind({{"record_id", "${user_id}"}})) ==
          "catalog test.json: kinds[0].record_id: ${user_id} is not a fixed id, and the only "
          "one made up is ${uuid}");
    CHECK(refusal(one_kind({{"data", {{"about", {{"space", "${space_id}"}}}}}})) ==
          "catalog test.json: kinds[0].data.about.space: ${space_id} is not a placeholder of a "
          "user's kind (${user_id}, ${record_id})");
    CHECK(refusal(one_kind({{"data", {{"${user_id}", 1}}}})) ==
          "catalog test.json: kinds[0].data: a key cannot be a placeholder (${user_id})");
}

TEST_CASE("two kinds with one name or one existence rule are refused, others live side by side") {
    auto catalog = catalog_json(builtin_catalog());
    auto twin = catalog["kinds"][0];
    twin["table_name"] = "userProfile";
    catalog["kinds"].push_back(twin);
    CHECK(refusal(catalog.dump()) ==
          "catalog test.json: kinds[2].name: \"userContext\" names kinds[0] too");

    // One table, two fixed record ids: two user kinds.
    twin = catalog["kinds"][0];
    twin["name"] = "userSelf";
    twin["record_id"] = "self";
    catalog["kinds"][2] = twin;
    CHECK(parse_catalog(catalog.dump(), "test.json").kinds.size() == 3);
    twin["record_id"] = "singleton";
    catalog["kinds"][2] = twin;
    CHECK(refusal(catalog.dump()) ==
          "catalog test.json: kinds[2]: its rows (table_name userContext) are found as those of "
          "userContext are: two kinds would count each other's rows");

    // A Space's kind is found by its table alone.
    auto space = catalog["kinds"][1];
    space["name"] = "kontextDoc2";
    space["record_id"] = "other";
    catalog["kinds"][2] = space;
    CHECK_THAT(refusal(catalog.dump()), Catch::Contains("as those of kontextDoc are"));
    space["table_name"] = "userContext";
    catalog["kinds"][2] = space;
    CHECK_THAT(refusal(catalog.dump()), Catch::Contains("as those of userContext are"));
}
