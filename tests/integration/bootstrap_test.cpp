// bootstrap user / bootstrap space: exact rows, idempotence, exactly-once,
// row-level security, writer resolution, bad input.
#include "checks.hpp"
#include "database_checks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

#include <memory>
#include <set>

using namespace mana::test;
using nlohmann::json;

namespace {

const char* timestamp_pattern = "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z";

const json bootstrap_actor = {
    {"kind", "system"}, {"principalId", "system:bootstrap"}, {"displayName", "Bootstrap"}};

// Every column but id and created_at, as one JSON object.
json sync_row(TempDatabases& db, const std::string& where) {
    const auto r = sync_query(
        db, "SELECT json_build_object('app_id', app_id, 'table_name', table_name, 'record_id', "
            "record_id, 'user_id', user_id, 'op', op, 'data', data, 'field_meta', field_meta, "
            "'client_id', client_id, 'schema_version', schema_version, 'actor', actor, 'origin', "
            "origin, 'space_id', space_id) FROM sync_changes WHERE " +
                where);
    REQUIRE(r.size() == 1);
    return json::parse(r[0][0].c_str());
}

void check_field_meta(const json& row) {
    const auto& meta = row["field_meta"];
    std::set<std::string> data_keys, meta_keys;
    for (const auto& item : row["data"].items()) {
        if (item.key() != "id") data_keys.insert(item.key());
    }
    for (const auto& item : meta.items())
        meta_keys.insert(item.key());
    CHECK(meta_keys == data_keys);
    const auto stamp = meta.begin()->get<std::string>();
    CHECK_THAT(stamp, Catch::Matches(timestamp_pattern));
    for (const auto& item : meta.items())
        CHECK(item.value() == stamp);
}

// Ada owns her personal Space; Bob is a member of it and owns his own.
void seed_two_users(TempDatabases& db) {
    add_user(db, "ada", "ada@example.com");
    add_user(db, "bob", "bob@example.com");
    add_space(db, "s-ada", "ada");
    add_space(db, "s-bob", "bob");
    add_member(db, "s-ada", "ada", "owner", 10);
    add_member(db, "s-ada", "bob", "member", 5);
    add_member(db, "s-bob", "bob", "owner", 10);
}

} // namespace

TEST_CASE("bootstrap user writes both singletons exactly as the SPEC shapes them") {
    TempDatabases db;
    seed_two_users(db);
    const auto result = cli({"bootstrap", "user", "bob", "--json"}, db.env());
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(
        json_out(result) ==
        json::parse(
            R"({"ok":true,"bootstrapped":{"userContext":true,"spaces":{"s-ada":true,"s-bob":true}}})"));

    const auto context = sync_row(db, "table_name = 'userContext'");
    CHECK(context["app_id"] == "profile");
    CHECK(context["record_id"] == "singleton");
    CHECK(context["user_id"] == "bob");
    CHECK(context["op"] == "insert");
    CHECK(context["client_id"] == "system:bootstrap");
    CHECK(context["schema_version"] == 1);
    CHECK(context["origin"] == "system");
    CHECK(context["actor"] == bootstrap_actor);
    CHECK(context["space_id"].is_null());
    CHECK(context["data"] == json::parse(R"({"id":"singleton","about":{},"interests":[],
        "routine":{},"nutrition":{},"leisure":{},"goals":[],"social":{},"freeform":"",
        "interview":{"answeredIds":[],"skippedIds":[]},"userId":"bob"})"));
    check_field_meta(context);

    // Ada's Space is written by Ada, its owner, not by Bob.
    const auto doc = sync_row(db, "table_name = 'kontextDoc' AND space_id = 's-ada'");
    CHECK(doc["app_id"] == "kontext");
    CHECK(doc["user_id"] == "ada");
    CHECK(doc["op"] == "insert");
    CHECK(doc["client_id"] == "system:bootstrap");
    CHECK(doc["schema_version"] == 1);
    CHECK(doc["origin"] == "system");
    CHECK(doc["actor"] == bootstrap_actor);
    CHECK_THAT(
        doc["record_id"].get<std::string>(),
        Catch::Matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    CHECK(doc["data"] == json{{"id", doc["record_id"]}, {"content", ""}});
    check_field_meta(doc);
    CHECK(sync_row(db, "table_name = 'kontextDoc' AND space_id = 's-bob'")["user_id"] == "bob");
}

TEST_CASE("a second bootstrap writes nothing and says so") {
    TempDatabases db;
    seed_two_users(db);
    REQUIRE(cli({"bootstrap", "user", "bob"}, db.env()).exit_code == 0);
    const auto again = cli({"bootstrap", "user", "--email", "BOB@example.com", "--json"}, db.env());
    CHECK(again.exit_code == 0);
    CHECK(
        json_out(again) ==
        json::parse(
            R"({"ok":true,"bootstrapped":{"userContext":false,"spaces":{"s-ada":false,"s-bob":false}}})"));
    CHECK(sync_count(db, "true") == 3);
    const auto text = cli({"bootstrap", "user", "bob"}, db.env());
    CHECK_THAT(text.out, Catch::Contains("userContext of user bob: already there"));
}

TEST_CASE("rows written by web clients count as present") {
    TempDatabases db;
    seed_two_users(db);
    // Another app's userContext singleton, and Bob's client wrote Ada's Space's doc.
    add_sync_row(db, "userContext", "singleton", "ada", "", "other-app");
    add_sync_row(db, "kontextDoc", "some-uuid", "bob", "s-ada", "kontext");
    const auto result = cli({"bootstrap", "user", "ada", "--json"}, db.env());
    CHECK(json_out(result) ==
          json::parse(
              R"({"ok":true,"bootstrapped":{"userContext":false,"spaces":{"s-ada":false}}})"));
    CHECK(sync_count(db, "true") == 2);
}

TEST_CASE("a kontextDoc written by a former member counts as present") {
    TempDatabases db;
    seed_two_users(db);
    add_sync_row(db, "kontextDoc", "old-uuid", "carol-who-left", "s-ada", "kontext");
    const auto result = cli({"bootstrap", "space", "s-ada", "--json"}, db.env());
    CHECK(json_out(result)["bootstrapped"]["kontextDoc"] == false);
    CHECK(sync_count(db, "table_name = 'kontextDoc'") == 1);
}

TEST_CASE("dry run writes nothing and exits 10 while anything is missing") {
    TempDatabases db;
    seed_two_users(db);
    const auto dry = cli({"bootstrap", "user", "bob", "--dry-run", "--json"}, db.env());
    CHECK(dry.exit_code == 10);
    CHECK(json_out(dry) == json::parse(R"({"ok":true,"dryRun":true,
        "missing":{"userContext":true,"spaces":{"s-ada":true,"s-bob":true}}})"));
    CHECK(sync_count(db, "true") == 0);
    CHECK(cli({"bootstrap", "space", "--slug", "ada", "--dry-run"}, db.env()).exit_code == 10);
    CHECK(sync_count(db, "true") == 0);

    REQUIRE(cli({"bootstrap", "user", "bob"}, db.env()).exit_code == 0);
    CHECK(cli({"bootstrap", "user", "bob", "--dry-run"}, db.env()).exit_code == 0);
    CHECK(cli({"bootstrap", "space", "--slug", "ada", "--dry-run"}, db.env()).exit_code == 0);
}

TEST_CASE("8 concurrent processes write each singleton exactly once") {
    TempDatabases db;
    seed_two_users(db);
    std::vector<std::unique_ptr<Process>> processes;
    for (int i = 0; i < 8; ++i) {
        processes.push_back(std::make_unique<Process>(
            cli_argv(i % 2 ? std::vector<std::string>{"bootstrap", "user", "bob"}
                           : std::vector<std::string>{"bootstrap", "space", "s-ada"}),
            db.env(i % 4 == 3)));
    }
    check_all_exit_zero(processes);
    CHECK(sync_count(db, "table_name = 'userContext' AND user_id = 'bob'") == 1);
    CHECK(sync_count(db, "table_name = 'kontextDoc' AND space_id = 's-ada'") == 1);
    CHECK(sync_count(db, "table_name = 'kontextDoc' AND space_id = 's-bob'") == 1);
}

TEST_CASE("a role bound by row-level security sees rows others wrote and writes new ones") {
    TempDatabases db;
    seed_two_users(db);
    // Bob's client wrote the doc of Ada's Space: hidden from a scope of Ada
    // alone, visible only through the Space list.
    add_sync_row(db, "kontextDoc", "bobs-doc", "bob", "s-ada", "kontext");
    const auto result = cli({"bootstrap", "user", "ada", "--json"}, db.env(true));
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    CHECK(
        json_out(result) ==
        json::parse(R"({"ok":true,"bootstrapped":{"userContext":true,"spaces":{"s-ada":false}}})"));
    CHECK(sync_count(db, "table_name = 'kontextDoc' AND space_id = 's-ada'") == 1);
    CHECK(sync_count(db, "table_name = 'userContext' AND user_id = 'ada'") == 1);

    // Bob's singletons: the plain role writes his Space's doc as Bob.
    const auto bob = cli({"bootstrap", "user", "bob", "--json"}, db.env(true));
    CHECK(
        json_out(bob) ==
        json::parse(
            R"({"ok":true,"bootstrapped":{"userContext":true,"spaces":{"s-ada":false,"s-bob":true}}})"));
    CHECK(sync_count(db, "table_name = 'kontextDoc' AND space_id = 's-bob' AND user_id = 'bob'") ==
          1);
    const auto again = cli({"bootstrap", "user", "bob", "--json"}, db.env(true));
    CHECK(json_out(again)["bootstrapped"]["userContext"] == false);
    CHECK(sync_count(db, "true") == 4);
}

TEST_CASE("the writer of a Space follows the SPEC's rule") {
    TempDatabases db;
    for (const auto* id : {"o1", "o2", "m1", "m2", "gone"})
        add_user(db, id, std::string(id) + "@x.org");
    add_user(db, "dead", "dead@x.org", true);
    const auto writer_of = [&](const std::string& space) {
        const auto result = cli({"bootstrap", "space", space, "--json"}, db.env());
        INFO(result.err);
        REQUIRE(result.exit_code == 0);
        return json_out(result)["writer"].get<std::string>();
    };

    SECTION("the owner, even when a member joined earlier") {
        add_space(db, "s", "s");
        add_member(db, "s", "m1", "member", 30);
        add_member(db, "s", "o1", "owner", 10);
        CHECK(writer_of("s") == "o1");
    }
    SECTION("the earliest of several owners") {
        add_space(db, "s", "s");
        add_member(db, "s", "o2", "owner", 10);
        add_member(db, "s", "o1", "owner", 20);
        CHECK(writer_of("s") == "o1");
    }
    SECTION("the earliest member when there is no owner") {
        add_space(db, "s", "s");
        add_member(db, "s", "m2", "admin", 10);
        add_member(db, "s", "m1", "member", 20);
        CHECK(writer_of("s") == "m1");
    }
    SECTION("soft-deleted owners and members are skipped") {
        add_space(db, "s", "s");
        add_member(db, "s", "dead", "owner", 50);
        add_member(db, "s", "m2", "member", 10);
        CHECK(writer_of("s") == "m2");
    }
    SECTION("an orphan is an error and nothing is written, unless --owner names a writer") {
        add_space(db, "s", "s");
        add_member(db, "s", "dead", "owner", 50);
        CHECK_ONE_LINE_ERROR(cli({"bootstrap", "space", "s"}, db.env()), 1,
                             "is an orphan (no live member); nothing written: pass --owner");
        CHECK(sync_count(db, "true") == 0);
        const auto with_owner =
            cli({"bootstrap", "space", "s", "--owner", "o1", "--json"}, db.env());
        CHECK(json_out(with_owner)["writer"] == "o1");
        CHECK(sync_count(db, "space_id = 's' AND user_id = 'o1'") == 1);
    }
    SECTION("--owner must be a live member of a Space that has one") {
        add_space(db, "s", "s");
        add_member(db, "s", "m1", "member", 10);
        CHECK_ONE_LINE_ERROR(cli({"bootstrap", "space", "s", "--owner", "o1"}, db.env()), 4,
                             "--owner o1 is not a live member of Space s");
        CHECK_ONE_LINE_ERROR(cli({"bootstrap", "space", "s", "--owner", "dead"}, db.env()), 4,
                             "--owner dead is not a live user");
        CHECK(sync_count(db, "true") == 0);
        CHECK(json_out(cli({"bootstrap", "space", "--slug", "s", "--owner", "m1", "--json"},
                           db.env()))["writer"] == "m1");
    }
}

TEST_CASE("bootstrap rejects unknown and soft-deleted and malformed ids") {
    TempDatabases db;
    add_user(db, "dead", "dead@x.org", true);
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user", "nobody"}, db.env()), 4,
                         "user nobody not found in the auth database");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user", "--email", "no@x.org"}, db.env()), 4,
                         "user with email no@x.org not found");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user", "dead"}, db.env()), 4, "is soft-deleted");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "space", "nowhere"}, db.env()), 4,
                         "Space nowhere not found");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "space", "--slug", "nowhere"}, db.env()), 4,
                         "Space with slug nowhere not found");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user", ""}, db.env()), 2, "the user id is empty");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user", "a\x01z"}, db.env()), 2,
                         "the user id contains control characters");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "space", std::string(256, 'x')}, db.env()), 2,
                         "the Space id is longer than 255 bytes");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user"}, db.env()), 2, "give USER_ID or --email");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user", "a", "--email", "b@x.org"}, db.env()), 2,
                         "give USER_ID or --email");
    CHECK(sync_count(db, "true") == 0);
}

TEST_CASE("a Space that fails is reported and the others are written with exit 3") {
    TempDatabases db;
    seed_two_users(db);
    // Row-level security cannot scope a Space id holding ',': that one fails.
    add_space(db, "s,odd", "odd");
    add_member(db, "s,odd", "bob", "owner", 1);
    const auto result = cli({"bootstrap", "user", "bob", "--json"}, db.env(true));
    CHECK(result.exit_code == 3);
    const auto doc = json_out(result);
    CHECK(doc["ok"] == false);
    CHECK(doc["bootstrapped"] ==
          json::parse(R"({"userContext":true,"spaces":{"s-ada":true,"s-bob":true}})"));
    CHECK_THAT(doc["errors"]["s,odd"].get<std::string>(), Catch::Contains("BYPASSRLS"));
    CHECK(sync_count(db, "space_id = 's,odd'") == 0);
    CHECK(sync_count(db, "true") == 3);
}
