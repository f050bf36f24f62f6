// Better Auth itself, on the test's auth database with the production table
// and column names: it signs in the users register creates, and the tool
// finds and converges the users it signs up (SPEC §7).
#include "checks.hpp"
#include "database_checks.hpp"
#include "interop.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

#include <string>
#include <vector>

using namespace mana::test;

namespace {

constexpr const char* node_postgres = "pg@8.23.1";

// Better Auth's email sign-in (or sign-up) on db's auth database: exit 0
// and the user's id, or exit 1 and its refusal.
Result better_auth(TempDatabases& db, const std::string& release, const std::string& action,
                   const std::string& email, const std::string& pw = password) {
    return node(npm_dir({release, node_postgres}), "sign_in.mjs", {action, email}, pw,
                {{"PGDATABASE", db.auth_name()}});
}

void check_signs_in(TempDatabases& db, const std::string& release, const std::string& email) {
    const auto signed_in = better_auth(db, release, "sign-in", email);
    INFO(release << " signing in " << email << ": " << signed_in.err);
    CHECK(signed_in.exit_code == 0);
    CHECK(signed_in.out == user_id_of(db, email) + "\n");
}

} // namespace

// [slow]: the first installs two releases from the npm registry.
TEST_CASE("Better Auth signs in a user register created, with accounts.issuer and without",
          "[slow]") {
    TempDatabases db;
    REQUIRE(register_user(db, {"ada@example.com"}).exit_code == 0);
    check_signs_in(db, better_auth_newest, "ada@example.com");
    const auto wrong = better_auth(db, better_auth_newest, "sign-in", "ada@example.com", "wrong");
    CHECK(wrong.exit_code == 1);
    CHECK_THAT(wrong.err, Catch::Contains("Invalid email or password"));

    // Better Auth 1.7.0's schema: its sign-in finds the credential row by
    // its issuer. One written before the column came has none...
    auth_query(db, "ALTER TABLE auth.accounts ADD COLUMN issuer text");
    const auto without = better_auth(db, better_auth_with_issuer, "sign-in", "ada@example.com");
    CHECK(without.exit_code == 1);
    CHECK_THAT(without.err, Catch::Contains("Invalid email or password"));
    // ...and register fills it, for a new user and with a new password.
    REQUIRE(register_user(db, {"bob@example.com"}).exit_code == 0);
    REQUIRE(register_user(db, {"ada@example.com", "--if-exists", "update"}).exit_code == 0);
    for (const auto* email : {"ada@example.com", "bob@example.com"}) {
        check_signs_in(db, better_auth_with_issuer, email);
        check_signs_in(db, better_auth_newest, email);
    }
}

TEST_CASE("a user Better Auth signs up is found by bootstrap user --email and converged by "
          "reconcile",
          "[slow]") {
    TempDatabases db;
    for (const auto* email : {"carol@example.com", "dave@example.com"}) {
        const auto signed_up = better_auth(db, better_auth_newest, "sign-up", email);
        INFO(signed_up.err);
        REQUIRE(signed_up.exit_code == 0);
        CHECK(signed_up.out == user_id_of(db, email) + "\n");
    }
    const auto carol = user_id_of(db, "carol@example.com");
    const auto bootstrapped =
        cli({"bootstrap", "user", "--email", "Carol@Example.com", "--json"}, db.env());
    INFO(bootstrapped.err);
    CHECK(bootstrapped.exit_code == 0);
    CHECK(json_out(bootstrapped)["bootstrapped"]["userContext"] == true);
    CHECK(sync_count(db, "table_name = 'userContext' AND user_id = '" + carol + "'") == 1);

    const auto doc = reconcile_json(db);
    CHECK(doc["users"]["written"] == 1);
    check_exactly_once(db);
    CHECK(sync_count(db, "table_name = 'userContext' AND user_id = '" +
                             user_id_of(db, "dave@example.com") + "'") == 1);
    // Better Auth signs in the users the tool converged.
    check_signs_in(db, better_auth_newest, "dave@example.com");
}

TEST_CASE("users exported with their hashes and registered on another database sign in there "
          "with their passwords",
          "[slow]") {
    TempDatabases from;
    REQUIRE(register_user(from, {"ada@example.com"}).exit_code == 0);
    const auto signed_up =
        better_auth(from, better_auth_newest, "sign-up", "eve@example.com", "eves-own-password");
    REQUIRE(signed_up.exit_code == 0);
    const TempFile users("users.jsonl", "");
    const auto exported =
        cli({"export", "--with-password-hashes", "--out", users.path()}, from.env());
    INFO(exported.err);
    REQUIRE(exported.exit_code == 0);

    TempDatabases to;
    const auto imported = cli({"register", "--from", users.path()}, to.env());
    INFO(imported.err);
    REQUIRE(imported.exit_code == 0);
    check_signs_in(to, better_auth_newest, "ada@example.com");
    const auto eve =
        better_auth(to, better_auth_newest, "sign-in", "eve@example.com", "eves-own-password");
    INFO(eve.err);
    CHECK(eve.exit_code == 0);
    CHECK(eve.out == user_id_of(to, "eve@example.com") + "\n");
    CHECK(better_auth(to, better_auth_newest, "sign-in", "eve@example.com", password).exit_code ==
          1);
}
