#include "database_checks.hpp"

#include "checks.hpp"

namespace mana::test {
namespace {

long long count(TempDatabases& db, const std::string& sql) {
    return db.sync_query(sql)[0][0].as<long long>();
}

} // namespace

void check_no_doubles(TempDatabases& db) {
    CHECK(count(db, "SELECT count(*) FROM (SELECT user_id FROM sync_changes WHERE table_name = "
                    "'userContext' GROUP BY user_id HAVING count(*) > 1) d") == 0);
    CHECK(count(db, "SELECT count(*) FROM (SELECT space_id FROM sync_changes WHERE table_name = "
                    "'kontextDoc' GROUP BY space_id HAVING count(*) > 1) d") == 0);
}

void check_exactly_once(TempDatabases& db) {
    check_no_doubles(db);
    CHECK(db.sync_count("table_name = 'userContext'") ==
          db.auth_count("auth.users", "deleted_at IS NULL"));
    CHECK(db.sync_count("table_name = 'kontextDoc'") ==
          db.auth_count("auth.organizations o",
                        "EXISTS (SELECT 1 FROM auth.members m JOIN auth.users u ON "
                        "u.id = m.user_id WHERE m.organization_id = o.id AND "
                        "u.deleted_at IS NULL)"));
}

void await_kill_moment(TempDatabases& db, const std::string& started,
                       std::optional<long long> target) {
    if (!target) {
        REQUIRE(eventually([&] { return db.tool_sessions_on_sync(started) > 0; }));
    } else {
        REQUIRE(eventually([&] { return db.sync_count("true") >= *target; }));
    }
}

} // namespace mana::test
