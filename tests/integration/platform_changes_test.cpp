// The platform changing under the tool (SPEC §7): the catalog of singleton
// kinds, the schema guard on the tables other teams own, and the columns the
// tool fills as Better Auth does.
#include "checks.hpp"
#include "database_checks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace mana::test;

namespace {

long long auth_rows(TempDatabases& db) {
    long long n = 0;
    for (const auto* table : {"auth.users", "auth.accounts", "auth.security_events",
                              "auth.organizations", "auth.members"})
        n += auth_count(db, table);
    return n;
}

nlohmann::json doctor_check(TempDatabases& db, const std::string& name) {
    const auto doctor = json_out(cli({"doctor", "--json"}, db.env()));
    for (const auto& check : doctor["checks"])
        if (check["name"] == name) return check;
    FAIL("doctor has no check named " << name << ": " << doctor.dump());
    return {};
}

std::string issuer_of(TempDatabases& db, const std::string& email) {
    const auto rows = auth_query(db, "SELECT coalesce(a.issuer, 'NULL') FROM auth.accounts a "
                                     "JOIN auth.users u ON u.id = a.user_id WHERE u.email = '" +
                                         email + "' AND a.provider_id = 'credential'");
    REQUIRE(rows.size() == 1);
    return rows[0][0].as<std::string>();
}

} // namespace

TEST_CASE("a NOT NULL column without a default that register does not fill stops it before "
          "anything is written, and doctor names it") {
    TempDatabases db;
    auth_query(db, "ALTER TABLE auth.users ADD COLUMN tenant_id text NOT NULL");
    const auto stopped = register_user(db, {"ada@example.com"});
    CHECK_ONE_LINE_ERROR(stopped, 1,
                         "auth database: auth.users.tenant_id is NOT NULL without a default, and "
                         "mana-auth does not know what the platform writes there: register "
                         "stopped before writing anything");
    // A batch stops before its first row.
    const auto batch =
        cli({"register", "--from", "-"}, db.env(),
            "{\"email\":\"b1@example.com\",\"password\":\"" + password +
                "\"}\n{\"email\":\"b2@example.com\",\"password\":\"" + password + "\"}\n");
    CHECK_ONE_LINE_ERROR(batch, 1, "auth.users.tenant_id is NOT NULL without a default");
    CHECK(auth_rows(db) == 0);
    CHECK(sync_count(db, "true") == 0);

    const auto check = doctor_check(db, "auth database required columns");
    CHECK(check["status"] == "fail");
    CHECK_THAT(check["detail"].get<std::string>(),
               Catch::Contains("auth.users.tenant_id: NOT NULL without a default") &&
                   Catch::Contains("register would stop before writing anything"));
    CHECK(cli({"doctor"}, db.env()).exit_code == 1);

    // Whatever the server fills itself is no stop: a default, an identity,
    // a generated column, a domain's default.
    auth_query(db, "ALTER TABLE auth.users ALTER COLUMN tenant_id SET DEFAULT 'main'");
    auth_query(db, "CREATE DOMAIN auth.region AS text NOT NULL DEFAULT 'eu'");
    auth_query(db, "ALTER TABLE auth.members ADD COLUMN region auth.region, "
                   "ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY");
    auth_query(db, "ALTER TABLE auth.organizations ADD COLUMN slug_upper text NOT NULL "
                   "GENERATED ALWAYS AS (upper(slug)) STORED");
    const auto created = register_user(db, {"ada@example.com"});
    INFO(created.err);
    CHECK(created.exit_code == 0);
    CHECK(auth_count(db, "auth.users", "email = 'ada@example.com' AND tenant_id = 'main'") == 1);
    CHECK(doctor_check(db, "auth database required columns")["status"] == "ok");

    // A NOT NULL domain without a default is refused as a NOT NULL column.
    auth_query(db, "CREATE DOMAIN auth.shard AS int NOT NULL");
    auth_query(db, "ALTER TABLE auth.security_events ADD COLUMN shard auth.shard DEFAULT 1");
    auth_query(db, "ALTER TABLE auth.security_events ALTER COLUMN shard DROP DEFAULT");
    CHECK_ONE_LINE_ERROR(register_user(db, {"bob@example.com"}), 1,
                         "auth.security_events.shard is NOT NULL without a default");
    CHECK(auth_count(db, "auth.users", "email = 'bob@example.com'") == 0);
}

TEST_CASE("a NOT NULL column without a default in sync_changes stops every command that writes "
          "there, and only those") {
    TempDatabases db;
    add_users_with_spaces(db, 2);
    sync_query(db, "ALTER TABLE sync_changes ADD COLUMN tenant_id text NOT NULL");
    const std::string why = "sync database: public.sync_changes.tenant_id is NOT NULL without a "
                            "default, and mana-auth does not know what the platform writes there: ";

    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user", "u1"}, db.env()), 1,
                         why + "bootstrap stopped before writing anything");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "space", "s1"}, db.env()), 1,
                         why + "bootstrap stopped before writing anything");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all"}, db.env()), 1,
                         why + "reconcile stopped before writing anything");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all"}, db.env(true)), 1,
                         why + "reconcile stopped before writing anything");
    const auto before = auth_rows(db);
    CHECK_ONE_LINE_ERROR(register_user(db, {"ada@example.com"}), 1,
                         why + "register stopped before writing anything");
    CHECK(auth_rows(db) == before);
    CHECK(sync_count(db, "true") == 0);

    // What only looks still runs, and says what is missing.
    const auto look = cli({"reconcile", "--all", "--check", "--json"}, db.env());
    CHECK(look.exit_code == 10);
    CHECK(json_out(look)["users"]["missing"] == 2);
    CHECK(cli({"bootstrap", "user", "u1", "--dry-run"}, db.env()).exit_code == 10);
    // A registration without singletons writes nothing there.
    CHECK(register_user(db, {"bob@example.com", "--no-bootstrap"}).exit_code == 0);

    const auto check = doctor_check(db, "sync database required columns");
    CHECK(check["status"] == "fail");
    CHECK_THAT(check["detail"].get<std::string>(),
               Catch::Contains("public.sync_changes.tenant_id: NOT NULL without a default") &&
                   Catch::Contains("register, bootstrap and reconcile would stop"));
    CHECK(doctor_check(db, "auth database required columns")["status"] == "ok");
}

TEST_CASE("accounts.issuer, where it exists, is local:credential on the credential row, "
          "NOT NULL or not") {
    TempDatabases db;
    // Better Auth 1.7.0's migration: required.
    auth_query(db, "ALTER TABLE auth.accounts ADD COLUMN issuer text NOT NULL");
    CHECK(doctor_check(db, "auth database required columns")["status"] == "ok");
    const auto created = register_user(db, {"ada@example.com"});
    INFO(created.err);
    REQUIRE(created.exit_code == 0);
    CHECK(issuer_of(db, "ada@example.com") == "local:credential");

    // Nullable or with a default, the credential row gets it all the same,
    // from a batch too.
    auth_query(db, "ALTER TABLE auth.accounts ALTER COLUMN issuer DROP NOT NULL, "
                   "ALTER COLUMN issuer SET DEFAULT 'other'");
    const auto batch = cli({"register", "--from", "-"}, db.env(),
                           "{\"email\":\"bob@example.com\",\"password\":\"" + password + "\"}\n");
    CHECK(batch.exit_code == 0);
    CHECK(issuer_of(db, "bob@example.com") == "local:credential");

    // A credential row written before the column came gets it with a new
    // password; one that has an issuer keeps it.
    auth_query(db, "UPDATE auth.accounts a SET issuer = NULL FROM auth.users u "
                   "WHERE u.id = a.user_id AND u.email = 'ada@example.com'");
    auth_query(db, "UPDATE auth.accounts a SET issuer = 'local:credential:v2' FROM auth.users u "
                   "WHERE u.id = a.user_id AND u.email = 'bob@example.com'");
    for (const auto* email : {"ada@example.com", "bob@example.com"})
        CHECK(register_user(db, {email, "--if-exists", "update"}).exit_code == 0);
    CHECK(issuer_of(db, "ada@example.com") == "local:credential");
    CHECK(issuer_of(db, "bob@example.com") == "local:credential:v2");
}

TEST_CASE("catalog prints the built-in catalog, whose file form catalog check accepts") {
    const auto text = cli({"catalog"});
    CHECK(text.exit_code == 0);
    CHECK(text.out == "catalog in force: built-in\n"
                      "userContext\tuser\tprofile/userContext\trecord singleton\n"
                      "kontextDoc\tspace\tkontext/kontextDoc\trecord a fresh UUID v4\n");
    const auto doc = json_out(cli({"catalog", "--json"}));
    CHECK(doc["ok"] == true);
    CHECK(doc["source"] == "built-in");
    CHECK(doc["catalog"] ==
          nlohmann::json::parse(std::ifstream(MANA_SOURCE_DIR "/core/sync/builtin_catalog.json")));

    const auto file = write_file("catalog.json", doc["catalog"].dump());
    const auto checked = cli({"catalog", "check", file});
    std::filesystem::remove(file);
    CHECK(checked.exit_code == 0);
    CHECK_THAT(checked.out, Catch::StartsWith(file + ": a valid catalog of 2 kinds\n"));
    CHECK_ONE_LINE_ERROR(cli({"catalog", "--auth-db", "dbname=x"}), 2, "--auth-db");
}

TEST_CASE("catalog check names the field of a malformed catalog and exits 2") {
    auto catalog = json_out(cli({"catalog", "--json"}))["catalog"];
    catalog["kinds"][1]["scope"] = "group";
    const auto file = write_file("bad-catalog.json", catalog.dump());
    CHECK_ONE_LINE_ERROR(cli({"catalog", "check", file}), 2,
                         "catalog " + file +
                             ": kinds[1].scope: \"group\" is neither user nor space");
    const auto as_json = cli({"catalog", "check", file, "--json"});
    std::filesystem::remove(file);
    CHECK(as_json.exit_code == 2);
    CHECK(json_out(as_json)["ok"] == false);
    CHECK_ONE_LINE_ERROR(cli({"catalog", "check", file}), 2,
                         "catalog " + file + ": cannot be read (No such file or directory)");
}
