// reconcile's audit of singletons written more than once (SPEC §4, issue
// 13): counted in every mode, reported, never written or retracted.
#include "checks.hpp"
#include "database_checks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

#include <filesystem>
#include <set>

using namespace mana::test;
using nlohmann::json;

namespace {

std::set<std::string> ids(const json& sample) {
    return sample.get<std::set<std::string>>();
}

// u1..u7 owning s1..s7, their singletons as clients wrote them: u1, u5, s1
// and s2 written twice or more; u2, u3, s3, s4 once in effect (updates, a
// deleted copy); u7 and s7 there by the SPEC's rule (any row), though
// deleted as often as written or more; u4 and s5 missing; a soft-deleted
// user's doubles, which do not count.
void seed_doubles(TempDatabases& db) {
    add_users_with_spaces(db, 7);
    const auto user_context = [&](const std::string& user, const std::string& op = "insert") {
        add_sync_row(db, "userContext", "singleton", user, "", "profile", op);
    };
    const auto kontext_doc = [&](const std::string& space, const std::string& doc,
                                 const std::string& writer, const std::string& op = "insert") {
        add_sync_row(db, "kontextDoc", doc, writer, space, "kontext", op);
    };
    user_context("u1"), user_context("u1");
    user_context("u2"), user_context("u2", "update"), user_context("u2", "update");
    user_context("u3"), user_context("u3"), user_context("u3", "delete");
    user_context("u5"), user_context("u5"), user_context("u5");
    user_context("u6");
    user_context("u7", "delete");
    kontext_doc("s1", "d1a", "u1"), kontext_doc("s1", "d1b", "u1");
    kontext_doc("s2", "d2a", "u2"), kontext_doc("s2", "d2b", "former-member");
    kontext_doc("s3", "d3a", "u3"), kontext_doc("s3", "d3b", "u3"),
        kontext_doc("s3", "d3b", "u3", "delete");
    kontext_doc("s4", "d4", "u4"), kontext_doc("s4", "d4", "u4", "update");
    kontext_doc("s6", "d6", "u6");
    kontext_doc("s7", "d7", "u7"), kontext_doc("s7", "d7", "u7", "delete");
    add_user(db, "gone", "gone@example.com", true);
    user_context("gone"), user_context("gone");
}

void check_doubles(const json& doc) {
    CHECK(doc["users"]["duplicates"] == 2);
    CHECK(ids(doc["users"]["duplicateSample"]) == std::set<std::string>{"u1", "u5"});
    CHECK(doc["spaces"]["duplicates"] == 2);
    CHECK(ids(doc["spaces"]["duplicateSample"]) == std::set<std::string>{"s1", "s2"});
}

} // namespace

TEST_CASE("reconcile counts singletons written more than once in every mode and writes none") {
    TempDatabases db;
    seed_doubles(db);
    const auto rows = sync_count(db, "true");

    const auto check = reconcile_json(db, {"--check"}, 10);
    check_doubles(check);
    CHECK(check["users"]["missing"] == 1);
    CHECK(check["spaces"]["missing"] == 1);
    const auto dry = reconcile_json(db, {"--dry-run", "--list", "1"}, 10);
    CHECK(dry["users"]["duplicates"] == 2);
    CHECK(dry["users"]["duplicateSample"].size() == 1);
    CHECK(sync_count(db, "true") == rows);

    const auto text = cli({"reconcile", "--all", "--dry-run"}, db.env());
    CHECK(text.exit_code == 10);
    CHECK_THAT(text.out, Catch::Contains("userContext written more than once (reported, not "
                                         "retracted): 2 (u1, u5)\n"));
    CHECK_THAT(text.out, Catch::Contains("kontextDoc written more than once (reported, not "
                                         "retracted): 2 (s1, s2)\n"));

    // Writing converges what is missing, and only that: no double retracted.
    const auto write = reconcile_json(db, {}, 0);
    check_doubles(write);
    CHECK(write["users"]["written"] == 1);
    CHECK(write["spaces"]["written"] == 1);
    CHECK(sync_count(db, "true") == rows + 2);
    CHECK(sync_count(db, "client_id = 'system:bootstrap' AND user_id = 'u4'") == 1);
    CHECK(sync_count(db, "client_id = 'system:bootstrap' AND space_id = 's5'") == 1);

    // Doubles change no exit code: converged is 0, with the doubles reported.
    const auto converged = reconcile_json(db, {"--check"}, 0);
    CHECK(converged["ok"] == true);
    check_doubles(converged);

    // Shards count each double once between them.
    long long users = 0, spaces = 0;
    for (const char* shard : {"--shard=1/2", "--shard=2/2"}) {
        const auto part = reconcile_json(db, {"--check", shard}, 0);
        users += part["users"]["duplicates"].get<long long>();
        spaces += part["spaces"]["duplicates"].get<long long>();
    }
    CHECK(users == 2);
    CHECK(spaces == 2);
}

TEST_CASE("without doubles there is no duplicate line, and the metric carries the count") {
    TempDatabases db;
    add_users_with_spaces(db, 3);
    const auto clean = cli({"reconcile", "--all"}, db.env());
    CHECK(clean.exit_code == 0);
    CHECK_THAT(clean.out, !Catch::Contains("more than once"));
    CHECK(reconcile_json(db, {"--check"}, 0)["users"]["duplicates"] == 0);

    add_sync_row(db, "userContext", "singleton", "u2", "", "web");
    const MetricsFile metrics("audit.prom");
    REQUIRE(cli({"reconcile", "--all", "--quiet", "--metrics-file", metrics.path()}, db.env())
                .exit_code == 0);
    const auto text = metrics.text();
    CHECK_THAT(text, Catch::Contains("mana_auth_reconcile_duplicate_items{scope=\"all\","
                                     "kind=\"userContext\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("mana_auth_reconcile_duplicate_items{scope=\"all\","
                                     "kind=\"kontextDoc\"} 0\n"));
    CHECK_THAT(text, Catch::Contains("mana_auth_reconcile_success{scope=\"all\"} 1\n"));
}

TEST_CASE("item by item, under row-level security, doubles are not counted and say so") {
    TempDatabases db;
    seed_doubles(db);
    const auto result = cli({"reconcile", "--all", "--check", "--json"}, db.env(true));
    CHECK(result.exit_code == 10);
    const auto doc = json_out(result);
    CHECK(doc["itemByItem"] == true);
    CHECK(doc["users"]["duplicates"].is_null());
    CHECK(doc["spaces"]["duplicates"].is_null());
    CHECK_THAT(result.err, Catch::Contains("does not count singletons written twice"));
}

// Unsharded, the ids are copied as the auth database's COPY wrote them;
// sharded, each is unescaped to find its bucket.
TEST_CASE("ids with backslashes and tabs are read from the auth database exactly") {
    const bool sharded = GENERATE(false, true);
    CAPTURE(sharded);
    TempDatabases db;
    const std::string odd = "u\\7\tx";
    add_user(db, odd, "odd@example.com");
    add_space(db, "s\\odd", "odd");
    add_member(db, "s\\odd", odd, "owner");
    if (sharded) {
        for (const char* shard : {"--shard=1/3", "--shard=2/3", "--shard=3/3"})
            reconcile_json(db, {shard}, 0);
    } else {
        reconcile_json(db, {}, 0);
    }
    CHECK(sync_count(db, "table_name = 'userContext' AND user_id = E'u\\\\7\\tx'") == 1);
    CHECK(sync_count(db, "table_name = 'kontextDoc' AND space_id = E's\\\\odd' AND "
                         "user_id = E'u\\\\7\\tx'") == 1);
    check_exactly_once(db);
}
