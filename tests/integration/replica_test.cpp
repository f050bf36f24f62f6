// The auth database as a real hot standby (pg_basebackup -R, streaming from
// a primary of the test's own): reconcile and bootstrap only read it and
// work; register is refused in one line before it writes anything.
#include "checks.hpp"
#include "seed.hpp"
#include "test_server.hpp"

using namespace mana::test;

namespace {

long long count(const std::string& conninfo, const std::string& sql) {
    pqxx::connection c{conninfo};
    return pqxx::nontransaction{c}.exec1(sql)[0].as<long long>();
}

} // namespace

TEST_CASE("reconcile and bootstrap work against an auth hot standby, register there is refused") {
    TestServer primary;
    pqxx::connection primary_auth{primary.auth_url()};
    add_users_with_spaces(primary_auth, 1, 100);
    Standby standby(primary);
    const auto standby_auth = standby.conninfo(primary.auth_name());
    const EnvChanges env{{"DATABASE_URL", standby_auth}, {"SYNC_DATABASE_URL", primary.sync_url()}};
    const auto singletons = [&](const std::string& where) {
        return count(primary.sync_url(), "SELECT count(*) FROM sync_changes WHERE " + where);
    };

    const auto reconciled = cli({"reconcile", "--all", "--json"}, env);
    INFO(reconciled.err);
    REQUIRE(reconciled.exit_code == 0);
    const auto doc = json_out(reconciled);
    CHECK(doc["users"]["written"] == 100);
    CHECK(doc["spaces"]["written"] == 100);

    // A sign-up on the primary reaches the standby by streaming.
    add_users_with_spaces(primary_auth, 101, 101);
    REQUIRE(
        eventually([&] { return count(standby_auth, "SELECT count(*) FROM auth.users") == 101; }));
    const auto bootstrapped = cli({"bootstrap", "user", "u101"}, env);
    INFO(bootstrapped.err);
    CHECK(bootstrapped.exit_code == 0);
    CHECK(singletons("user_id = 'u101' AND table_name = 'userContext'") == 1);
    CHECK(singletons("space_id = 's101' AND table_name = 'kontextDoc'") == 1);
    CHECK(singletons("table_name = 'userContext'") == 101);
    CHECK(singletons("table_name = 'kontextDoc'") == 101);

    CHECK_ONE_LINE_ERROR(
        cli({"register", "new@example.com", "--password-stdin"}, env, "a good password\n"), 1,
        "auth database (" + standby_auth +
            ") is read-only (a hot standby, in recovery): register writes users: point it at the "
            "primary");
    CHECK_ONE_LINE_ERROR(cli({"register", "--from", "-"}, env,
                             "{\"email\":\"n@example.com\",\"password\":\"password-n1\"}\n"),
                         1, "is read-only (a hot standby, in recovery)");
    CHECK(count(primary.auth_url(), "SELECT count(*) FROM auth.users") == 101);
    CHECK(singletons("true") == 202);

    CHECK_THAT(cli({"doctor"}, env).out,
               Catch::Contains("auth database writable") && Catch::Contains("register would fail"));
}
