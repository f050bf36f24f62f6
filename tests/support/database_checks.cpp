#include "database_checks.hpp"

#include "checks.hpp"

#include <algorithm>

namespace mana::test {

nlohmann::json reconcile_json(TempDatabases& db, std::vector<std::string> args, int expected,
                              bool plain_sync_role) {
    args.insert(args.begin(), {"reconcile", "--all", "--json"});
    const auto result = cli(args, db.env(plain_sync_role));
    INFO(result.err);
    CHECK(result.exit_code == expected);
    return json_out(result);
}

pqxx::result sync_query(TempDatabases& db, const std::string& sql) {
    pqxx::nontransaction tx{db.sync()};
    return tx.exec(sql);
}

pqxx::result auth_query(TempDatabases& db, const std::string& sql) {
    pqxx::nontransaction tx{db.auth()};
    return tx.exec(sql);
}

namespace {

// The first column of the first row of a query on the sync database.
long long count(TempDatabases& db, const std::string& sql) {
    return sync_query(db, sql)[0][0].as<long long>();
}

} // namespace

long long sync_count(TempDatabases& db, const std::string& where) {
    return count(db, "SELECT count(*) FROM sync_changes WHERE " + where);
}

std::string user_id_of(TempDatabases& db, const std::string& email) {
    const auto rows = auth_query(db, "SELECT id FROM auth.users WHERE email = '" + email + "'");
    REQUIRE(rows.size() == 1);
    return rows[0][0].as<std::string>();
}

long long auth_count(TempDatabases& db, const std::string& table, const std::string& where) {
    return auth_query(db, "SELECT count(*) FROM " + table + " WHERE " + where)[0][0]
        .as<long long>();
}

std::string sync_clock(TempDatabases& db) {
    return sync_query(db, "SELECT clock_timestamp()::text")[0][0].as<std::string>();
}

long long tool_sessions_on_sync(TempDatabases& db, const std::string& since) {
    pqxx::nontransaction tx{db.sync()};
    return tx
        .exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND application_name = 'mana-auth' AND backend_start > $1::timestamptz",
                      since)[0]
        .as<long long>();
}

long long tool_lock_waits_on_auth(TempDatabases& db, int longer_than_seconds) {
    pqxx::nontransaction tx{db.auth()};
    return tx
        .exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND application_name = 'mana-auth' AND wait_event_type = 'Lock' AND "
                      "now() - query_start > make_interval(secs => $1)",
                      longer_than_seconds)[0]
        .as<long long>();
}

long long sync_advisory_locks(TempDatabases& db, const std::string& where) {
    return count(db, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
                     "(SELECT oid FROM pg_database WHERE datname = current_database()) AND " +
                         where);
}

void comparable_answer(nlohmann::json& doc) {
    const auto sort = [](nlohmann::json& ids) {
        auto sorted = ids.get<std::vector<std::string>>();
        std::sort(sorted.begin(), sorted.end());
        ids = sorted;
    };
    sort(doc["orphanSample"]);
    std::vector<nlohmann::json*> kinds{&doc["users"], &doc["spaces"]};
    for (auto& [name, kind] : doc["kinds"].items())
        kinds.push_back(&kind);
    for (auto* kind : kinds) {
        sort((*kind)["missingSample"]);
        sort((*kind)["duplicateSample"]);
        CHECK(((*kind)["oldestMissingSeconds"].is_number_integer() || (*kind)["missing"] == 0));
        kind->erase("oldestMissingSeconds");
    }
    doc.erase("seconds");
    doc.erase("since");
}

void check_no_doubles(TempDatabases& db) {
    CHECK(count(db, "SELECT count(*) FROM (SELECT user_id FROM sync_changes WHERE table_name = "
                    "'userContext' GROUP BY user_id HAVING count(*) > 1) d") == 0);
    CHECK(count(db, "SELECT count(*) FROM (SELECT space_id FROM sync_changes WHERE table_name = "
                    "'kontextDoc' GROUP BY space_id HAVING count(*) > 1) d") == 0);
}

void check_exactly_once(TempDatabases& db) {
    check_no_doubles(db);
    CHECK(sync_count(db, "table_name = 'userContext'") ==
          auth_count(db, "auth.users", "deleted_at IS NULL"));
    CHECK(sync_count(db, "table_name = 'kontextDoc'") ==
          auth_count(db, "auth.organizations o",
                     "EXISTS (SELECT 1 FROM auth.members m JOIN auth.users u ON "
                     "u.id = m.user_id WHERE m.organization_id = o.id AND "
                     "u.deleted_at IS NULL)"));
}

void await_kill_moment(TempDatabases& db, const std::string& started,
                       std::optional<long long> target) {
    if (!target) {
        REQUIRE(eventually([&] { return tool_sessions_on_sync(db, started) > 0; }));
    } else {
        REQUIRE(eventually([&] { return sync_count(db, "true") >= *target; }));
    }
}

} // namespace mana::test
