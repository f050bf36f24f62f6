#include "sync/singletons.hpp"

#include <catch2/catch.hpp>
#include <regex>

using namespace mana;
using nlohmann::json;

const json system_actor = {
    {"kind", "system"}, {"principalId", "system:bootstrap"}, {"displayName", "Bootstrap"}};

TEST_CASE("userContext row is exactly the SPEC's") {
    const auto row = KindRows(builtin_user_context(), "2026-04-26T21:18:54.123Z").row("u1", "");
    CHECK(row.app_id == "profile");
    CHECK(row.table_name == "userContext");
    CHECK(row.record_id == "singleton");
    CHECK(row.user_id == "u1");
    CHECK(row.op == "insert");
    CHECK(row.client_id == "system:bootstrap");
    CHECK(row.schema_version == 1);
    CHECK(row.origin == "system");
    CHECK(json::parse(row.actor) == system_actor);
    CHECK_FALSE(row.space_id.has_value());
    CHECK(json::parse(row.data) ==
          json::parse(R"({"id":"singleton","about":{},"interests":[],"routine":{},
        "nutrition":{},"leisure":{},"goals":[],"social":{},"freeform":"",
        "interview":{"answeredIds":[],"skippedIds":[]},"userId":"u1"})"));
    const auto ts = "2026-04-26T21:18:54.123Z";
    CHECK(json::parse(row.field_meta) == json{{"about", ts},
                                              {"interests", ts},
                                              {"routine", ts},
                                              {"nutrition", ts},
                                              {"leisure", ts},
                                              {"goals", ts},
                                              {"social", ts},
                                              {"freeform", ts},
                                              {"interview", ts},
                                              {"userId", ts}});
}

TEST_CASE("kontextDoc row is exactly the SPEC's with a fresh UUID as record id") {
    const auto row = KindRows(builtin_kontext_doc(), "2026-04-26T21:18:54.123Z").row("s1", "w1");
    const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    CHECK(std::regex_match(row.record_id, uuid));
    CHECK(row.app_id == "kontext");
    CHECK(row.table_name == "kontextDoc");
    CHECK(row.user_id == "w1");
    CHECK(row.space_id == std::optional<std::string>("s1"));
    CHECK(json::parse(row.data) == json{{"id", row.record_id}, {"content", ""}});
    CHECK(json::parse(row.field_meta) == json{{"content", "2026-04-26T21:18:54.123Z"}});
    CHECK(json::parse(row.actor) == system_actor);
    CHECK(row.origin == "system");
    CHECK(row.client_id == "system:bootstrap");
    CHECK(KindRows(builtin_kontext_doc(), "t").row("s1", "w1").record_id != row.record_id);
}
