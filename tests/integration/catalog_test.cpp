// The catalog in force (SPEC §7): every writer works from it, each kind
// exactly once; a retired kind is never written and still counted twice.
#include "checks.hpp"
#include "database_checks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

#include <memory>
#include <string>
#include <vector>

using namespace mana::test;

namespace {

nlohmann::json shown_catalog_json() {
    return json_out(cli({"catalog", "--json"}))["catalog"];
}

// The built-in kinds, a third user-scoped kind and a second Space-scoped one.
nlohmann::json extended_catalog() {
    auto catalog = shown_catalog_json();
    catalog["kinds"].push_back(
        {{"name", "userPrefs"},
         {"scope", "user"},
         {"app_id", "profile"},
         {"table_name", "userPrefs"},
         {"record_id", "prefs"},
         {"data", {{"id", "prefs"}, {"theme", "light"}, {"userId", "${user_id}"}}},
         {"retired", false}});
    catalog["kinds"].push_back({{"name", "spaceBoard"},
                                {"scope", "space"},
                                {"app_id", "kontext"},
                                {"table_name", "spaceBoard"},
                                {"record_id", "${uuid}"},
                                {"data",
                                 {{"id", "${record_id}"},
                                  {"spaceId", "${space_id}"},
                                  {"columns", nlohmann::json::array()}}},
                                {"retired", false}});
    return catalog;
}

// Every live user has exactly one row of the user kind; every Space with a
// live member, one of the Space kind.
void check_kinds_once(TempDatabases& db, const std::string& user_kind,
                      const std::string& space_kind) {
    INFO(user_kind << ", " << space_kind);
    CHECK(sync_count(db, "table_name = '" + user_kind + "'") ==
          auth_count(db, "auth.users", "deleted_at IS NULL"));
    CHECK(sync_query(db, "SELECT count(DISTINCT user_id) FROM sync_changes WHERE table_name = '" +
                             user_kind + "'")[0][0]
              .as<long long>() == auth_count(db, "auth.users", "deleted_at IS NULL"));
    CHECK(sync_count(db, "table_name = '" + space_kind + "'") ==
          sync_query(db, "SELECT count(DISTINCT space_id) FROM sync_changes WHERE table_name = '" +
                             space_kind + "'")[0][0]
              .as<long long>());
    CHECK(sync_count(db, "table_name = '" + space_kind + "'") ==
          auth_count(db, "auth.organizations o",
                     "EXISTS (SELECT 1 FROM auth.members m JOIN auth.users u ON u.id = "
                     "m.user_id WHERE m.organization_id = o.id AND u.deleted_at IS NULL)"));
}

std::size_t occurrences(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
        ++n;
    return n;
}

} // namespace

TEST_CASE("a catalog's third user kind and second Space kind are written exactly once by "
          "register, bootstrap and reconcile, set-based, item by item and at once") {
    TempDatabases db;
    const TempFile catalog("catalog-extended.json", extended_catalog().dump());
    auto with_catalog = db.env();
    with_catalog["MANA_AUTH_CATALOG"] = catalog.path();

    const auto registered =
        register_user(db, {"ada@example.com", "--catalog", catalog.path(), "--json"});
    REQUIRE(registered.exit_code == 0);
    CHECK(json_out(registered)["singletons"] == nlohmann::json({{"userContext", "written"},
                                                                {"userPrefs", "written"},
                                                                {"kontextDoc", "written"},
                                                                {"spaceBoard", "written"}}));
    const auto ada = user_id_of(db, "ada@example.com");
    const auto prefs = sync_query(db, "SELECT data, record_id, app_id FROM sync_changes WHERE "
                                      "table_name = 'userPrefs' AND user_id = '" +
                                          ada + "'");
    REQUIRE(prefs.size() == 1);
    CHECK(nlohmann::json::parse(prefs[0][0].c_str()) ==
          nlohmann::json({{"id", "prefs"}, {"theme", "light"}, {"userId", ada}}));
    CHECK(prefs[0][1].as<std::string>() == "prefs");
    CHECK(prefs[0][2].as<std::string>() == "profile");
    const auto board = sync_query(db, "SELECT data->>'spaceId' = space_id, data->>'id' = record_id "
                                      "FROM sync_changes WHERE table_name = 'spaceBoard'");
    REQUIRE(board.size() == 1);
    CHECK(board[0][0].as<bool>());
    CHECK(board[0][1].as<bool>());

    add_users_with_spaces(db, 40);
    const auto user = json_out(cli({"bootstrap", "user", "u1", "--json"}, with_catalog));
    CHECK(user["bootstrapped"] ==
          nlohmann::json({{"userContext", true}, {"spaces", {{"s1", true}}}}));
    CHECK(user["otherKinds"] ==
          nlohmann::json({{"userPrefs", true}, {"spaceBoard", {{"s1", true}}}}));
    const auto space = json_out(cli({"bootstrap", "space", "s2", "--json"}, with_catalog));
    CHECK(space["bootstrapped"] == nlohmann::json({{"kontextDoc", true}}));
    CHECK(space["otherKinds"] == nlohmann::json({{"spaceBoard", true}}));
    // The built-in catalog does not know the kinds the file adds.
    CHECK(reconcile_json(db, {"--check"}, 10)["kinds"].size() == 2);

    // Doubles of a kind whose item has the other kind's row, and of one
    // whose item has not.
    add_sync_row(db, "userPrefs", "prefs", "u1", "");
    add_sync_row(db, "userPrefs", "prefs", "u1", "");
    add_sync_row(db, "spaceBoard", "b1", "u3", "s3");
    add_sync_row(db, "spaceBoard", "b2", "u3", "s3");
    const auto check = reconcile_json(db, {"--check", "--catalog", catalog.path()}, 10);
    CHECK(check["kinds"]["userPrefs"]["missing"] == 39);
    CHECK(check["kinds"]["spaceBoard"]["missing"] == 37);
    CHECK(check["kinds"]["userPrefs"]["scanned"] == 41);
    CHECK(check["kinds"]["userPrefs"]["duplicateSample"] == nlohmann::json({"u1"}));
    CHECK(check["kinds"]["spaceBoard"]["duplicateSample"] == nlohmann::json({"s3"}));
    CHECK(check["kinds"]["userContext"]["duplicates"] == 0);
    CHECK(check["users"]["missing"] == 39);
    // A look at a read-only sync database merges the ids with the rows of
    // every kind of the scope in the tool: the same answer.
    // Either way, a scope's ids are read once, whatever its number of kinds.
    const auto looked = [&](bool read_only) {
        const auto result = cli(
            {"reconcile", "--all", "--check", "--json", "--list", "100", "--log-level", "debug"},
            [&] {
                auto env = with_catalog;
                if (read_only) env["PGOPTIONS"] = "-c default_transaction_read_only=on";
                return env;
            }());
        INFO(result.err);
        CHECK(result.exit_code == 10);
        CHECK(occurrences(result.err, read_only ? "merged the ids with the rows of 2 kinds"
                                                : "loaded the ids") == 2);
        auto doc = json_out(result);
        comparable_answer(doc);
        return doc;
    };
    CHECK(looked(true) == looked(false));
    sync_query(db, "DELETE FROM sync_changes WHERE client_id = 'web:client'");
    // At once: a set-based run, a second one queued, and bootstraps of
    // users it is writing, one bound by row-level security.
    std::vector<std::unique_ptr<Process>> processes;
    processes.push_back(std::make_unique<Process>(
        cli_argv({"reconcile", "--all", "--batch-size", "5", "--wait"}), with_catalog));
    processes.push_back(std::make_unique<Process>(
        cli_argv({"reconcile", "--all", "--wait", "--catalog", catalog.path()}), db.env()));
    for (const auto* id : {"u10", "u20", "u30"}) {
        auto env = db.env(std::string(id) == "u20");
        env["MANA_AUTH_CATALOG"] = catalog.path();
        processes.push_back(std::make_unique<Process>(cli_argv({"bootstrap", "user", id}), env));
    }
    check_all_exit_zero(processes);
    check_exactly_once(db);
    check_kinds_once(db, "userPrefs", "spaceBoard");
    const auto after = reconcile_json(db, {"--check"}, 0, false);
    CHECK(after["kinds"].size() == 2);
    const MetricsFile metrics("catalog-metrics.prom");
    const auto converged = reconcile_json(
        db, {"--check", "--catalog", catalog.path(), "--metrics-file", metrics.path()});
    for (const std::string kind : {"userContext", "userPrefs", "kontextDoc", "spaceBoard"}) {
        INFO(kind);
        CHECK(converged["kinds"][kind]["missing"] == 0);
        CHECK(converged["kinds"][kind]["duplicates"] == 0);
        CHECK(metrics.line("mana_auth_reconcile_missing_items{scope=\"all\",kind=\"" + kind +
                           "\"}") ==
              "mana_auth_reconcile_missing_items{scope=\"all\",kind=\"" + kind + "\"} 0");
    }

    // Item by item, under row-level security, on users added since.
    add_users_with_spaces(db.auth(), 41, 60);
    const auto item_by_item = [&](std::vector<std::string> args, int expected) {
        args.insert(args.begin(), {"reconcile", "--all", "--json"});
        const auto result = cli(args, [&] {
            auto env = db.env(true);
            env["MANA_AUTH_CATALOG"] = catalog.path();
            return env;
        }());
        INFO(result.err);
        CHECK(result.exit_code == expected);
        return json_out(result);
    };
    const auto rls_check = item_by_item({"--check"}, 10);
    CHECK(rls_check["itemByItem"] == true);
    CHECK(rls_check["kinds"]["userPrefs"]["missing"] == 20);
    CHECK(rls_check["kinds"]["spaceBoard"]["missing"] == 20);
    const auto rls = item_by_item({}, 0);
    CHECK(rls["kinds"]["userPrefs"]["written"] == 20);
    CHECK(rls["kinds"]["spaceBoard"]["written"] == 20);
    check_exactly_once(db);
    check_kinds_once(db, "userPrefs", "spaceBoard");
    reconcile_json(db, {"--check", "--catalog", catalog.path()}, 0);

    // --since: the users' kinds by a join; the Spaces', few among many
    // rows, by their writers' rows.
    add_users_with_spaces(db.auth(), 61, 70);
    sync_query(db, "INSERT INTO sync_changes (app_id, table_name, record_id, user_id, op, data, "
                   "client_id) SELECT 'notes', 'note', g::text, 'u1', 'insert', '{}', 'web' FROM "
                   "generate_series(1, 10000) g; ANALYZE sync_changes");
    const auto since = reconcile_json(db, {"--since", "1h", "--catalog", catalog.path()});
    CHECK(since["kinds"]["userPrefs"]["written"] == 10);
    CHECK(since["kinds"]["spaceBoard"]["written"] == 10);
    CHECK(since["kinds"]["kontextDoc"]["written"] == 10);
    check_exactly_once(db);
    check_kinds_once(db, "userPrefs", "spaceBoard");
}

TEST_CASE("a catalog that retires kontextDoc writes none and still reports its doubles") {
    TempDatabases db;
    auto retiring = shown_catalog_json();
    retiring["kinds"][1]["retired"] = true;
    const TempFile catalog("catalog-retiring.json", retiring.dump());
    auto with_catalog = db.env();
    with_catalog["MANA_AUTH_CATALOG"] = catalog.path();

    const auto registered =
        register_user(db, {"ada@example.com", "--catalog", catalog.path(), "--json"});
    REQUIRE(registered.exit_code == 0);
    CHECK(json_out(registered)["singletons"] == nlohmann::json({{"userContext", "written"}}));
    add_users_with_spaces(db, 5);
    add_sync_row(db, "kontextDoc", "d1", "u1", "s1");
    add_sync_row(db, "kontextDoc", "d2", "u1", "s1");
    const auto user = json_out(cli({"bootstrap", "user", "u2", "--json"}, with_catalog));
    CHECK(user["bootstrapped"] == nlohmann::json({{"userContext", true}}));
    const auto space = cli({"bootstrap", "space", "s3", "--json"}, with_catalog);
    CHECK(space.exit_code == 0);
    CHECK(json_out(space)["bootstrapped"] == nlohmann::json::object());

    // The built-in catalog would write the Spaces' kontextDoc.
    CHECK(reconcile_json(db, {"--check"}, 10)["spaces"]["missing"] == 5);
    const auto wrote = cli({"reconcile", "--all", "--json"}, with_catalog);
    INFO(wrote.err);
    REQUIRE(wrote.exit_code == 0);
    const auto doc = json_out(wrote);
    CHECK(doc["kinds"]["userContext"]["written"] == 4);
    CHECK(doc["kinds"]["kontextDoc"]["retired"] == true);
    CHECK(doc["kinds"]["kontextDoc"]["missing"].is_null());
    CHECK(doc["kinds"]["kontextDoc"]["written"] == 0);
    CHECK(doc["kinds"]["kontextDoc"]["duplicates"] == 1);
    CHECK(doc["kinds"]["kontextDoc"]["duplicateSample"] == nlohmann::json({"s1"}));
    CHECK(sync_count(db, "table_name = 'kontextDoc'") == 2);
    CHECK(sync_count(db, "table_name = 'userContext'") == 6);

    // A look, at a primary and at a sync database read-only by default
    // (merged in this process), says the same and finds nothing missing.
    for (const bool read_only : {false, true}) {
        INFO("read-only " << read_only);
        if (read_only)
            sync_query(db, "ALTER DATABASE " + db.sync_name() +
                               " SET default_transaction_read_only = on");
        const auto looked = cli({"reconcile", "--all", "--check", "--json"}, with_catalog);
        INFO(looked.err);
        CHECK(looked.exit_code == 0);
        const auto kind = json_out(looked)["kinds"]["kontextDoc"];
        CHECK(kind["missing"].is_null());
        CHECK(kind["duplicates"] == 1);
    }
    const auto text = cli({"reconcile", "--all", "--check"}, with_catalog);
    CHECK_THAT(text.out, Catch::Contains("kontextDoc (retired, never written): 6 scanned\n"));
    CHECK_THAT(text.out, Catch::Contains("kontextDoc written more than once (reported, not "
                                         "retracted): 1 (s1)\n"));
}

TEST_CASE("a malformed catalog given to a writer is exit 2 naming the field, before anything is "
          "read or written") {
    TempDatabases db;
    add_users_with_spaces(db, 3);
    auto bad = shown_catalog_json();
    bad["kinds"][0]["record_id"] = "${uuid}";
    const TempFile catalog("catalog-bad.json", bad.dump());
    const auto field = "catalog " + catalog.path() + ": kinds[0].record_id: ";
    auto with_catalog = db.env();
    with_catalog["MANA_AUTH_CATALOG"] = catalog.path();
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all"}, with_catalog), 2, field);
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user", "u1", "--catalog", catalog.path()}, db.env()), 2,
                         field);
    CHECK_ONE_LINE_ERROR(cli({"doctor"}, with_catalog), 2, field);
    CHECK_ONE_LINE_ERROR(register_user(db, {"ada@example.com", "--catalog", catalog.path()}), 2,
                         field);
    CHECK_ONE_LINE_ERROR(cli({"catalog"}, with_catalog), 2, field);
    CHECK(sync_count(db, "true") == 0);
    CHECK(auth_count(db, "auth.users") == 3);
    // The flag wins over the environment.
    auto good = shown_catalog_json();
    const TempFile fine("catalog-fine.json", good.dump());
    CHECK(cli({"catalog", "--catalog", fine.path()}, with_catalog).out ==
          "catalog in force: " + fine.path() +
              "\n"
              "userContext\tuser\tprofile/userContext\trecord singleton\n"
              "kontextDoc\tspace\tkontext/kontextDoc\trecord a fresh UUID v4\n");
}
