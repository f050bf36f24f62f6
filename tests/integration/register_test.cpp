// register: Better Auth-compatible users, personal Spaces, singletons,
// password sources, --if-exists, sync outages, batches, interoperability.
#include "auth/password.hpp"
#include "checks.hpp"
#include "database_checks.hpp"
#include "interop.hpp"
#include "seed.hpp"
#include "tempdb.hpp"
#include "terminal.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <unistd.h>

using namespace mana::test;
using nlohmann::json;

namespace {

long long total_rows(TempDatabases& db) {
    long long n = 0;
    for (const auto* t : {"auth.users", "auth.accounts", "auth.security_events",
                          "auth.organizations", "auth.members"}) {
        n += auth_count(db, t);
    }
    return n + sync_count(db, "true");
}

} // namespace

TEST_CASE("register creates the user exactly as the service's sign-up does") {
    TempDatabases db;
    const auto result =
        register_user(db, {"  Ada.Lovelace@Example.COM ", "--tier", "founder", "--role", "admin",
                           "--kind", "persona", "--verified", "--json"});
    INFO(result.err);
    REQUIRE(result.exit_code == 0);
    const auto doc = json_out(result);
    CHECK(doc["ok"] == true);
    CHECK(doc["action"] == "created");
    CHECK(doc["singletons"] == json{{"userContext", "written"}, {"kontextDoc", "written"}});

    const auto user =
        auth_query(db, "SELECT id, name, email, email_verified, role, access_tier, kind, "
                       "deleted_at IS NULL FROM auth.users")[0];
    const auto id = user[0].as<std::string>();
    CHECK(doc["userId"] == id);
    CHECK(std::regex_match(id, std::regex("[a-zA-Z0-9]{32}")));
    CHECK(user[1].as<std::string>() == "Ada.Lovelace"); // the local part as typed
    CHECK(user[2].as<std::string>() == "ada.lovelace@example.com");
    CHECK(user[3].as<bool>());
    CHECK(user[4].as<std::string>() == "admin");
    CHECK(user[5].as<std::string>() == "founder");
    CHECK(user[6].as<std::string>() == "persona");

    const auto account = auth_query(db, "SELECT id, account_id, provider_id, user_id, password "
                                        "FROM auth.accounts")[0];
    CHECK(std::regex_match(account[0].as<std::string>(), std::regex("[a-zA-Z0-9]{32}")));
    CHECK(account[1].as<std::string>() == id);
    CHECK(account[2].as<std::string>() == "credential");
    CHECK(account[3].as<std::string>() == id);
    CHECK(mana::verify_password(password, account[4].as<std::string>()));
    CHECK_FALSE(mana::verify_password("wrong password", account[4].as<std::string>()));

    const auto event = auth_query(db, "SELECT user_id, event_type, metadata->>'source' "
                                      "FROM auth.security_events")[0];
    CHECK(event[0].as<std::string>() == id);
    CHECK(event[1].as<std::string>() == "REGISTER");
    CHECK(event[2].as<std::string>() == "mana-auth");

    const auto space = auth_query(db, "SELECT id, name, slug, metadata FROM auth.organizations")[0];
    CHECK(std::regex_match(space[0].as<std::string>(), std::regex("[A-Za-z0-9_-]{21}")));
    CHECK(space[1].as<std::string>() == "Ada.Lovelace");
    CHECK(space[2].as<std::string>() == "ada-lovelace");
    CHECK(json::parse(space[3].as<std::string>()) ==
          json{{"type", "personal"}, {"tier", "founder"}});
    const auto member =
        auth_query(db, "SELECT id, organization_id, user_id, role FROM auth.members")[0];
    CHECK(std::regex_match(member[0].as<std::string>(), std::regex("[A-Za-z0-9_-]{21}")));
    CHECK(member[1].as<std::string>() == space[0].as<std::string>());
    CHECK(member[2].as<std::string>() == id);
    CHECK(member[3].as<std::string>() == "owner");

    CHECK(sync_count(db, "table_name = 'userContext' AND user_id = '" + id + "'") == 1);
    CHECK(sync_count(db, "table_name = 'kontextDoc' AND user_id = '" + id + "' AND space_id = '" +
                             space[0].as<std::string>() + "'") == 1);
}

TEST_CASE("defaults are user public human unverified and the name defaults to the local part") {
    TempDatabases db;
    REQUIRE(register_user(db, {"bob@example.com", "--name", "  Bob B.  "}).exit_code == 0);
    const auto user =
        auth_query(db, "SELECT name, role, access_tier, kind, email_verified FROM auth.users")[0];
    CHECK(user[0].as<std::string>() == "  Bob B.  ");
    CHECK(user[1].as<std::string>() == "user");
    CHECK(user[2].as<std::string>() == "public");
    CHECK(user[3].as<std::string>() == "human");
    CHECK_FALSE(user[4].as<bool>());
    // The Space takes the trimmed name and the user's tier.
    const auto space = auth_query(db, "SELECT name, metadata->>'tier' FROM auth.organizations")[0];
    CHECK(space[0].as<std::string>() == "Bob B.");
    CHECK(space[1].as<std::string>() == "public");
}

TEST_CASE("personal Space slugs avoid taken and reserved slugs") {
    TempDatabases db;
    add_space(db, "taken", "ada");
    add_space(db, "taken2", "ada-2");
    REQUIRE(register_user(db, {"ada@example.com"}).exit_code == 0);
    REQUIRE(register_user(db, {"admin@example.com"}).exit_code == 0);
    REQUIRE(register_user(db, {"___@example.com"}).exit_code == 0);
    const auto slug_of = [&](const std::string& email) {
        return auth_query(db, "SELECT o.slug FROM auth.organizations o JOIN auth.members m ON "
                              "m.organization_id = o.id JOIN auth.users u ON u.id = m.user_id "
                              "WHERE u.email = '" +
                                  email + "'")[0][0]
            .as<std::string>();
    };
    CHECK(slug_of("ada@example.com") == "ada-3");
    CHECK(slug_of("admin@example.com") == "admin-2");
    CHECK_THAT(slug_of("___@example.com"), Catch::Matches("user-[a-z]{6}"));
}

TEST_CASE("an email already registered in any case exits 5 and writes nothing") {
    TempDatabases db;
    REQUIRE(register_user(db, {"ada@example.com"}).exit_code == 0);
    const auto before = total_rows(db);
    CHECK_ONE_LINE_ERROR(register_user(db, {"ADA@Example.com"}), 5,
                         "ada@example.com is already registered");
    CHECK(total_rows(db) == before);
}

TEST_CASE("if-exists skip leaves the user alone and update re-applies attributes") {
    TempDatabases db;
    REQUIRE(register_user(db, {"ada@example.com"}).exit_code == 0);
    const auto hash_before =
        auth_query(db, "SELECT password FROM auth.accounts")[0][0].as<std::string>();

    const auto skipped = register_user(
        db, {"ada@example.com", "--if-exists", "skip", "--tier", "founder", "--json"});
    CHECK(skipped.exit_code == 0);
    CHECK(json_out(skipped)["action"] == "skipped");
    CHECK(auth_count(db, "auth.users", "access_tier = 'public'") == 1);

    // Update without a password: attributes change, the password stays.
    const auto updated = cli({"register", "ada@example.com", "--if-exists", "update", "--tier",
                              "founder", "--role", "admin", "--verified", "--json"},
                             db.env());
    INFO(updated.err);
    CHECK(updated.exit_code == 0);
    CHECK(json_out(updated)["action"] == "updated");
    CHECK(auth_count(db, "auth.users",
                     "access_tier = 'founder' AND role = 'admin' AND email_verified") == 1);
    CHECK(auth_query(db, "SELECT password FROM auth.accounts")[0][0].as<std::string>() ==
          hash_before);
    CHECK(auth_count(db, "auth.organizations") == 1); // the personal Space is kept

    // Update with a new password.
    REQUIRE(register_user(db, {"ada@example.com", "--if-exists", "update"}, "a brand new password")
                .exit_code == 0);
    const auto hash_after =
        auth_query(db, "SELECT password FROM auth.accounts")[0][0].as<std::string>();
    CHECK(mana::verify_password("a brand new password", hash_after));
    CHECK(auth_count(db, "auth.accounts") == 1);
    CHECK(auth_count(db, "auth.users") == 1);
}

TEST_CASE("the password comes from stdin a file or the environment and never from argv") {
    TempDatabases db;
    const auto file = write_file("pw", password + "\n");
    REQUIRE(cli({"register", "f@example.com", "--password-file", file}, db.env()).exit_code == 0);
    auto env = db.env();
    env["MANA_AUTH_PASSWORD"] = password;
    REQUIRE(cli({"register", "e@example.com"}, env).exit_code == 0);
    for (const auto& row : auth_query(db, "SELECT password FROM auth.accounts")) {
        CHECK(mana::verify_password(password, row[0].as<std::string>()));
    }
    std::filesystem::remove(file);

    const auto before = total_rows(db);
    const auto argv = cli({"register", "x@example.com", "--password", "Hunter2Hunter2"}, db.env());
    CHECK_ONE_LINE_ERROR(argv, 2, "a password on the command line is refused");
    CHECK_THAT(argv.err, !Catch::Contains("Hunter2Hunter2"));
    CHECK_ONE_LINE_ERROR(cli({"register", "y@example.com"}, db.env()), 2,
                         "no password for the new user");
    CHECK_ONE_LINE_ERROR(
        cli({"register", "y@example.com", "--password-file", "/nonexistent"}, db.env()), 2,
        "cannot read --password-file /nonexistent");
    CHECK(total_rows(db) == before);
}

TEST_CASE("bad input to register is one line and writes nothing") {
    TempDatabases db;
    CHECK_ONE_LINE_ERROR(register_user(db, {"not-an-email"}), 2,
                         "'not-an-email' is not a valid email address");
    CHECK_ONE_LINE_ERROR(register_user(db, {"a@example.com"}, "1234567"), 2,
                         "the password must be 8 to 128 characters long (it has 7)");
    CHECK_ONE_LINE_ERROR(register_user(db, {"a@example.com"}, std::string(129, 'p')), 2,
                         "(it has 129)");
    CHECK_ONE_LINE_ERROR(register_user(db, {"a@example.com"}, "abcdefgh\xff"), 2,
                         "not valid UTF-8");
    CHECK_ONE_LINE_ERROR(register_user(db, {"a@example.com", "--tier", "gold"}), 2, "--tier");
    CHECK_ONE_LINE_ERROR(register_user(db, {"a@example.com", "--role", "root"}), 2, "--role");
    CHECK_ONE_LINE_ERROR(register_user(db, {"a@example.com", "--kind", "robot"}), 2, "--kind");
    CHECK_ONE_LINE_ERROR(register_user(db, {"a@example.com", "--if-exists", "maybe"}), 2,
                         "--if-exists");
    CHECK(total_rows(db) == 0);
}

TEST_CASE("a sync outage leaves the registration standing and says reconcile repairs it") {
    TempDatabases db;
    const std::string down = "postgresql://ops:SyncSecret1@127.0.0.1:1/mana_sync";
    const auto result =
        cli({"register", "ada@example.com", "--password-stdin", "--sync-db", down, "--json"},
            db.env(), password);
    CHECK(result.exit_code == 0);
    const auto doc = json_out(result);
    CHECK(doc["ok"] == true);
    CHECK(doc["singletons"] == json{{"userContext", "notWritten"}, {"kontextDoc", "notWritten"}});
    CHECK_THAT(doc["syncError"].get<std::string>(), Catch::Contains("sync database"));
    CHECK_THAT(result.err, Catch::Contains("reconcile --all"));
    CHECK_THAT(result.out + result.err, !Catch::Contains("SyncSecret1"));
    CHECK(auth_count(db, "auth.users") == 1);
    CHECK(auth_count(db, "auth.members") == 1);

    const auto text = cli({"register", "bob@example.com", "--password-stdin", "--sync-db", down},
                          db.env(), password);
    CHECK(text.exit_code == 0);
    CHECK_THAT(text.out, Catch::Contains("singletons NOT written"));

    const auto strict =
        cli({"register", "cy@example.com", "--password-stdin", "--sync-db", down, "--require-sync"},
            db.env(), password);
    CHECK(strict.exit_code == 1);
    CHECK(auth_count(db, "auth.users", "email = 'cy@example.com'") == 1);
}

TEST_CASE("register checks its sync database before it writes anything") {
    TempDatabases db;
    auto env = db.env();
    env["SYNC_DATABASE_URL"] = std::nullopt;
    // Not configured: exit 2 and no user (a retry used to get exit 5).
    CHECK_ONE_LINE_ERROR(cli({"register", "ada@example.com", "--password-stdin"}, env, password), 2,
                         "no sync database");
    CHECK(total_rows(db) == 0);
    CHECK(cli({"register", "ada@example.com", "--password-stdin", "--no-bootstrap"}, env, password)
              .exit_code == 0);
    CHECK(auth_count(db, "auth.users") == 1);
    // Reachable but not a sync database: exit 1, nothing written either.
    CHECK_ONE_LINE_ERROR(
        cli({"register", "bob@example.com", "--password-stdin", "--sync-db", db.auth_url()},
            db.env(), password),
        1, "sync database: incompatible schema");
    CHECK(auth_count(db, "auth.users", "email = 'bob@example.com'") == 0);
    const auto batch = write_file(
        "precheck.jsonl", "{\"email\":\"cy@example.com\",\"password\":\"" + password + "\"}\n");
    CHECK_ONE_LINE_ERROR(cli({"register", "--from", batch}, env), 2, "no sync database");
    CHECK_ONE_LINE_ERROR(cli({"register", "--from", batch, "--sync-db", db.auth_url()}, db.env()),
                         1, "sync database: incompatible schema");
    // A sync role that may not insert: refused before the user is written.
    sync_query(db, std::string("REVOKE INSERT ON sync_changes FROM ") + plain_role);
    CHECK_ONE_LINE_ERROR(register_user(db, {"dan@example.com"}, password, true), 1,
                         "may not SELECT and INSERT into sync_changes");
    CHECK_ONE_LINE_ERROR(cli({"register", "--from", batch}, db.env(true)), 1,
                         "may not SELECT and INSERT into sync_changes");
    std::filesystem::remove(batch);
    CHECK(auth_count(db, "auth.users", "email IN ('cy@example.com', 'dan@example.com')") == 0);
}

TEST_CASE("register refuses a sync database that is reached but refuses the singletons' rows, "
          "before the user is written") {
    // stop: which check refuses; says: the server's reason, or the column.
    struct Refusal {
        std::string make, undo, stop, says;
    };
    const std::string tried = "refuses the singletons' rows (";
    const std::string guarded = "is NOT NULL without a default";
    TempDatabases db;
    const std::string range_partitioned =
        "ALTER TABLE sync_changes RENAME TO sync_changes_plain; CREATE TABLE sync_changes (LIKE "
        "sync_changes_plain INCLUDING DEFAULTS INCLUDING CONSTRAINTS, PRIMARY KEY (id, "
        "created_at)) PARTITION BY RANGE (created_at); CREATE TABLE sync_changes_2001_01 "
        "PARTITION OF sync_changes FOR VALUES FROM ('2001-01-01') TO ('2001-02-01')";
    const std::vector<Refusal> refusals{
        {"ALTER DATABASE " + db.sync_name() + " SET default_transaction_read_only = on",
         "ALTER DATABASE " + db.sync_name() + " RESET default_transaction_read_only", tried,
         "read-only transaction"},
        // The schema guard names these before the rows are tried.
        {"ALTER TABLE sync_changes ALTER COLUMN id DROP DEFAULT",
         "ALTER TABLE sync_changes ALTER COLUMN id SET DEFAULT gen_random_uuid()", guarded,
         "public.sync_changes.id"},
        {"ALTER TABLE sync_changes ALTER COLUMN created_at DROP DEFAULT",
         "ALTER TABLE sync_changes ALTER COLUMN created_at SET DEFAULT now()", guarded,
         "public.sync_changes.created_at"},
        {range_partitioned,
         "DROP TABLE sync_changes; ALTER TABLE sync_changes_plain RENAME TO sync_changes", tried,
         "no partition of relation"}};
    const auto batch = write_file(
        "refusing.jsonl", "{\"email\":\"cy@example.com\",\"password\":\"" + password + "\"}\n");
    for (const auto& refusal : refusals) {
        INFO(refusal.make);
        sync_query(db, refusal.make);
        const auto single = register_user(db, {"ada@example.com"});
        CHECK_ONE_LINE_ERROR(single, 1, "sync database: ");
        CHECK_THAT(single.err, Catch::Contains(refusal.stop) && Catch::Contains(refusal.says) &&
                                   (Catch::Contains("nothing was written") ||
                                    Catch::Contains("stopped before writing anything")));
        CHECK_ONE_LINE_ERROR(cli({"register", "--from", batch}, db.env()), 1, refusal.stop);
        CHECK(total_rows(db) == 0);
        CHECK_THAT(cli({"doctor"}, db.env()).out, Catch::Contains(refusal.says));
        sync_query(db, refusal.undo);
    }
    std::filesystem::remove(batch);
    CHECK(register_user(db, {"ada@example.com"}).exit_code == 0);
    CHECK(sync_count(db, "true") == 2);
}

TEST_CASE("a soft-deleted user is never updated nor bootstrapped by register") {
    TempDatabases db;
    add_user(db, "dead", "dead@example.com", true);
    const auto stored = [&] {
        return auth_query(db, "SELECT row_to_json(u)::text FROM auth.users u")[0][0]
            .as<std::string>();
    };
    const auto before = stored();
    for (const auto* mode : {"error", "update"}) {
        INFO(mode);
        CHECK_ONE_LINE_ERROR(register_user(db, {"dead@example.com", "--if-exists", mode}), 5,
                             "dead@example.com belongs to a soft-deleted user (user dead)");
    }
    const auto skipped = register_user(db, {"DEAD@example.com", "--if-exists", "skip", "--json"});
    CHECK(skipped.exit_code == 0);
    CHECK(json_out(skipped)["action"] == "skipped");
    CHECK(json_out(skipped)["softDeleted"] == true);
    const auto batch = write_file("dead.jsonl", "{\"email\":\"dead@example.com\",\"password\":\"" +
                                                    password + "\"}\n");
    const auto from =
        cli({"register", "--from", batch, "--if-exists", "update", "--json"}, db.env());
    std::filesystem::remove(batch);
    CHECK(from.exit_code == 1); // its only row failed
    CHECK_THAT(json_out(from)["failures"][0]["error"].get<std::string>(),
               Catch::Contains("soft-deleted"));
    CHECK(stored() == before);
    CHECK(auth_count(db, "auth.accounts") == 0);
    CHECK(sync_count(db, "true") == 0);
    CHECK(auth_count(db, "auth.security_events") == 0);
}

TEST_CASE("if-exists update changes only what is given and names each change") {
    TempDatabases db;
    REQUIRE(register_user(db, {"founder@example.com", "--tier", "founder", "--role", "admin",
                               "--verified", "--name", "Ada"})
                .exit_code == 0);
    const auto hash_before =
        auth_query(db, "SELECT password FROM auth.accounts")[0][0].as<std::string>();
    // The case: a password reset must not demote the founder.
    const auto reset =
        register_user(db, {"founder@example.com", "--if-exists", "update"}, "a brand new password");
    INFO(reset.err);
    CHECK(reset.exit_code == 0);
    CHECK(auth_count(db, "auth.users",
                     "access_tier = 'founder' AND role = 'admin' AND "
                     "email_verified AND kind = 'human' AND name = 'Ada'") == 1);
    CHECK(auth_query(db, "SELECT password FROM auth.accounts")[0][0].as<std::string>() !=
          hash_before);
    CHECK_THAT(reset.out, Catch::Contains("changed the password"));
    CHECK_THAT(reset.out, !Catch::Contains("tier"));

    const auto tier = cli({"register", "founder@example.com", "--if-exists", "update", "--tier",
                           "beta", "--role", "admin", "--name", "Ada L", "--json"},
                          db.env());
    CHECK(tier.exit_code == 0);
    CHECK(json_out(tier)["changes"] ==
          json::array({{{"field", "name"}, {"old", "Ada"}, {"new", "Ada L"}},
                       {{"field", "tier"}, {"old", "founder"}, {"new", "beta"}}}));
    CHECK(auth_count(db, "auth.users",
                     "access_tier = 'beta' AND role = 'admin' AND email_verified "
                     "AND name = 'Ada L'") == 1);
    const auto text =
        cli({"register", "founder@example.com", "--if-exists", "update", "--kind", "persona"},
            db.env());
    CHECK_THAT(text.out, Catch::Contains("changed kind: human \u2192 persona"));
    const auto same = cli({"register", "founder@example.com", "--if-exists", "update", "--kind",
                           "persona", "--name", "   "},
                          db.env());
    CHECK_THAT(same.out, Catch::Contains("nothing changed"));
    CHECK(auth_count(db, "auth.users", "name = 'Ada L'") == 1); // a blank name is not given
}

TEST_CASE("emails stored with another case or spaces are the same address, two are an error") {
    TempDatabases db;
    add_user(db, "odd", "  Mixed.Case@Example.COM ");
    // register finds it rather than creating a second account.
    CHECK_ONE_LINE_ERROR(register_user(db, {"mixed.case@example.com"}), 5,
                         "is already registered (user odd)");
    CHECK(auth_count(db, "auth.users") == 1);
    // bootstrap --email finds it too.
    const auto boot =
        cli({"bootstrap", "user", "--email", "MIXED.case@example.com", "--json"}, db.env());
    INFO(boot.err);
    CHECK(boot.exit_code == 0);
    CHECK(sync_count(db, "user_id = 'odd' AND table_name = 'userContext'") == 1);
    // A second stored row folding to the same address: never a guess.
    add_user(db, "canon", "mixed.case@example.com");
    const auto sync_rows = sync_count(db, "true");
    for (const auto& result :
         {register_user(db, {"Mixed.Case@example.com", "--if-exists", "update"}),
          cli({"bootstrap", "user", "--email", "mixed.case@example.com"}, db.env())}) {
        CHECK_ONE_LINE_ERROR(result, 1, "mixed.case@example.com belongs to 2 stored users");
        CHECK_THAT(result.err, Catch::Contains("canon") && Catch::Contains("odd"));
    }
    CHECK(auth_count(db, "auth.users") == 2);
    CHECK(sync_count(db, "true") == sync_rows);
}

TEST_CASE("register --from counts every data line once and a bad line fails alone") {
    TempDatabases db;
    const auto row = [](const std::string& email) {
        return "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}\n";
    };
    const auto jsonl =
        write_file("lines.jsonl", row("a@example.com") + "{\"email\":\"b@example.com\",\"pass\n" +
                                      row("c@example.com") + "\n" + "[1,2]\n" +
                                      row("a@example.com") + row("d@example.com"));
    const auto csv = write_file("lines.csv", "email,password\n"
                                             "\"e@example.com,unclosed quote\n"
                                             "f@example.com," +
                                                 password +
                                                 "\n"
                                                 "g@example.com," +
                                                 password + "\n");
    const auto result =
        cli({"register", "--from", jsonl, "--if-exists", "skip", "--json"}, db.env());
    INFO(result.err);
    CHECK(result.exit_code == 3);
    auto doc = json_out(result);
    // 6 data lines (the blank one is none): 3 created, 1 skipped, 2 failed.
    CHECK(doc["created"] == 3);
    CHECK(doc["skipped"] == 1);
    CHECK(doc["failed"] == 2);
    CHECK(doc["failures"][0]["line"] == 2);
    CHECK(doc["failures"][1]["line"] == 5);
    const auto from_csv = cli({"register", "--from", csv, "--json"}, db.env());
    doc = json_out(from_csv);
    CHECK(from_csv.exit_code == 3);
    CHECK(doc["created"] == 2); // the lines after the stray quote are not swallowed
    CHECK(doc["failed"] == 1);
    CHECK(doc["failures"][0]["line"] == 2);
    CHECK(auth_count(db, "auth.users") == 5);
    // Every row failing is a failure, not a partial success.
    const auto all_bad = write_file("bad.jsonl", "{\"email\":\"x\"}\nnot json\n");
    CHECK(cli({"register", "--from", all_bad}, db.env()).exit_code == 1);
    for (const auto& path : {jsonl, csv, all_bad})
        std::filesystem::remove(path);
    // Not a readable file: exit 2 with the system's reason, never "0 created".
    const auto directory = std::filesystem::temp_directory_path().string();
    CHECK_ONE_LINE_ERROR(cli({"register", "--from", directory}, db.env()), 2, "Is a directory");
    CHECK_ONE_LINE_ERROR(cli({"register", "--from", directory + "/no-such-file.jsonl"}, db.env()),
                         2, "No such file or directory");
}

TEST_CASE("Ctrl-C at the password prompt gives the terminal its echo back") {
    TempDatabases db;
    auto env = db.env();
    env["MANA_AUTH_PASSWORD"] = std::nullopt;
    Terminal terminal(cli_argv({"register", "new@example.com"}), env);
    REQUIRE(terminal.await("Password for new@example.com: "));
    CHECK_FALSE(terminal.echoes()); // the prompt hides what is typed
    terminal.type("half a pass\x03");
    CHECK(terminal.wait() == 130);
    CHECK(terminal.echoes());
    CHECK(total_rows(db) == 0);
}

TEST_CASE("with --quiet a registration whose singletons were not written still says so") {
    TempDatabases db;
    const auto result = cli({"register", "ada@example.com", "--password-stdin", "--quiet",
                             "--sync-db", "postgresql://127.0.0.1:1/down"},
                            db.env(), password);
    CHECK(result.exit_code == 0);
    CHECK(result.out.empty());
    CHECK_THAT(result.err, Catch::Contains("singletons were not written") &&
                               Catch::Contains("reconcile --all"));
    const auto batch = write_file("quiet.jsonl", "{\"email\":\"bob@example.com\",\"password\":\"" +
                                                     password + "\"}\n");
    const auto from =
        cli({"register", "--from", batch, "--quiet", "--sync-db", "postgresql://127.0.0.1:1/down"},
            db.env());
    std::filesystem::remove(batch);
    CHECK(from.exit_code == 0);
    CHECK_THAT(from.err, Catch::Contains("singletons not written"));
    CHECK(auth_count(db, "auth.users") == 2);
}

TEST_CASE("a name of only spaces counts as not given") {
    TempDatabases db;
    REQUIRE(register_user(db, {"Grace.H@example.com", "--name", "   "}).exit_code == 0);
    CHECK(auth_count(db, "auth.users", "name = 'Grace.H'") == 1);
    CHECK(auth_count(db, "auth.organizations", "name = 'Grace.H'") == 1);
}

TEST_CASE("register writes singletons with a sync role bound by row-level security") {
    TempDatabases db;
    REQUIRE(register_user(db, {"ada@example.com"}, password, true).exit_code == 0);
    const auto id = user_id_of(db, "ada@example.com");
    CHECK(sync_count(db, "user_id = '" + id + "'") == 2);
}

TEST_CASE("batch register from JSON Lines reports bad rows by line and registers the rest") {
    TempDatabases db;
    REQUIRE(register_user(db, {"dup@example.com"}).exit_code == 0);
    const auto ready_hash = mana::hash_password("imported password");
    const auto file = write_file(
        "users.jsonl",
        "{\"email\":\"a@example.com\",\"password\":\"password-a1\",\"tier\":\"founder\","
        "\"verified\":true}\n"
        "{\"email\":\"not an email\",\"password\":\"password-b1\"}\n"
        "\n"
        "{\"email\":\"c@example.com\",\"password\":\"short\"}\n"
        "{\"email\":\"DUP@example.com\",\"password\":\"password-d1\"}\n"
        "{\"email\":\"e@example.com\",\"password_hash\":\"" +
            ready_hash +
            "\",\"role\":\"admin\"}\n"
            "{\"email\":\"f@example.com\",\"password_hash\":\"abc:def\"}\n"
            "{\"email\":\"g@example.com\",\"password\":\"password-g1\",\"tier\":\"gold\"}\n"
            "{broken json\n");
    const auto result = cli({"register", "--from", file, "--json", "--tier", "beta"}, db.env());
    std::filesystem::remove(file);
    INFO(result.err);
    CHECK(result.exit_code == 3);
    const auto doc = json_out(result);
    CHECK(doc["created"] == 2);
    CHECK(doc["failed"] == 6);
    CHECK(doc["ok"] == false);
    CHECK(doc["singletons"]["written"] == 4);
    std::map<int, std::string> errors;
    for (const auto& f : doc["failures"])
        errors[f["line"].get<int>()] = f["error"];
    CHECK_THAT(errors[2], Catch::Contains("is not a valid email address"));
    CHECK_THAT(errors[4], Catch::Contains("8 to 128 characters"));
    CHECK_THAT(errors[5], Catch::Contains("already registered"));
    CHECK_THAT(errors[7], Catch::Contains("not a Better Auth scrypt hash"));
    CHECK_THAT(errors[8], Catch::Contains("unknown tier 'gold'"));
    CHECK_THAT(errors[9], Catch::Contains("not valid JSON"));
    CHECK_THAT(result.err, Catch::Contains("line 2: "));
    CHECK(auth_count(db, "auth.users",
                     "email = 'a@example.com' AND access_tier = 'founder' AND email_verified") ==
          1);
    CHECK(auth_count(db, "auth.users",
                     "email = 'e@example.com' AND access_tier = 'beta' AND role = 'admin'") == 1);
    CHECK(auth_query(db,
                     "SELECT a.password FROM auth.accounts a JOIN auth.users u ON u.id = a.user_id "
                     "WHERE u.email = 'e@example.com'")[0][0]
              .as<std::string>() == ready_hash);
    // No half-registered user: every user has its account, Space and membership.
    CHECK(auth_count(db, "auth.users u",
                     "NOT EXISTS (SELECT 1 FROM auth.accounts a WHERE a.user_id = u.id) "
                     "OR NOT EXISTS (SELECT 1 FROM auth.members m WHERE m.user_id = u.id AND "
                     "m.role = 'owner')") == 0);
}

TEST_CASE("batch register from CSV on stdin with if-exists update") {
    TempDatabases db;
    REQUIRE(register_user(db, {"ada@example.com"}).exit_code == 0);
    const std::string csv = "email,password,name,tier,role,verified\r\n"
                            "ada@example.com,,,founder,admin,true\r\n"
                            "bob@example.com,password-bob,\"Bob, the Builder\",alpha,,\r\n";
    const auto result =
        cli({"register", "--from", "-", "--format", "csv", "--if-exists", "update", "--json"},
            db.env(), csv);
    INFO(result.err);
    CHECK(result.exit_code == 0);
    const auto doc = json_out(result);
    CHECK(doc["created"] == 1);
    CHECK(doc["updated"] == 1);
    // Each update names what it changed (the empty name and password cells: nothing).
    CHECK(doc["updates"] ==
          json::array(
              {{{"line", 2},
                {"email", "ada@example.com"},
                {"changes",
                 json::array({{{"field", "tier"}, {"old", "public"}, {"new", "founder"}},
                              {{"field", "role"}, {"old", "user"}, {"new", "admin"}},
                              {{"field", "verified"}, {"old", "false"}, {"new", "true"}}})}}}));
    CHECK(auth_count(db, "auth.users",
                     "email = 'ada@example.com' AND access_tier = 'founder' AND role = 'admin'") ==
          1);
    CHECK(
        auth_count(
            db, "auth.users",
            "email = 'bob@example.com' AND name = 'Bob, the Builder' AND access_tier = 'alpha'") ==
        1);
    CHECK(auth_count(db, "auth.users") == 2);
}

TEST_CASE("a bad CSV header stops the batch before anything is written") {
    TempDatabases db;
    CHECK_ONE_LINE_ERROR(
        cli({"register", "--from", "-", "--format", "csv"}, db.env(), "mail,password\n"), 2,
        "line 1: unknown CSV column 'mail'");
    CHECK(total_rows(db) == 0);
}

TEST_CASE("Better Auth's own code accepts the tool's hashes and the tool accepts Better Auth's") {
    const auto dir = npm_dir({better_auth_utils});
    const auto node = [&](const std::vector<std::string>& args, const std::string& input) {
        return mana::test::node(dir, "password.mjs", args, input);
    };

    for (const std::string& pw :
         {std::string("correct horse battery"), std::string("\xef\xac\x81nance-2024"),
          std::string("\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94-P\xc3\xa4sswort")}) {
        INFO(pw);
        const auto ours = mana::hash_password(pw);
        const auto verified = node({"verify", ours}, pw);
        INFO(verified.err);
        CHECK(verified.out == "true\n");
        CHECK(node({"verify", ours}, pw + "x").out == "false\n");

        const auto theirs = node({"hash"}, pw);
        REQUIRE(theirs.exit_code == 0);
        const auto hash = theirs.out.substr(0, theirs.out.size() - 1);
        CHECK(mana::is_password_hash(hash));
        CHECK(mana::verify_password(pw, hash));
        CHECK_FALSE(mana::verify_password(pw + "x", hash));
    }

    // A Better Auth hash imported through password_hash signs in with the tool's verify.
    TempDatabases db;
    const auto theirs = node({"hash"}, "imported secret 1");
    const auto hash = theirs.out.substr(0, theirs.out.size() - 1);
    const auto result = cli({"register", "--from", "-"}, db.env(),
                            "{\"email\":\"imp@example.com\",\"password_hash\":\"" + hash + "\"}\n");
    CHECK(result.exit_code == 0);
    CHECK(mana::verify_password(
        "imported secret 1",
        auth_query(db, "SELECT password FROM auth.accounts")[0][0].as<std::string>()));
}

TEST_CASE("a batch off a terminal logs its progress every 10 s, a CSV read as JSON says so, and "
          "CSV fields are trimmed but for the password") {
    TempDatabases db;
    // The batch waits for the users table past the 10 s of a progress line.
    const auto file = write_file("slow.jsonl", "{\"email\":\"slow@example.com\",\"password\":\"" +
                                                   password + "\"}\n");
    pqxx::connection holder{db.auth_url()};
    pqxx::work lock{holder};
    lock.exec("LOCK TABLE auth.users IN ACCESS EXCLUSIVE MODE");
    Process run(cli_argv({"register", "--from", file}), db.env());
    REQUIRE(eventually([&] { return tool_lock_waits_on_auth(db, 11) > 0; }));
    lock.abort();
    const auto slow = run.wait();
    std::filesystem::remove(file);
    INFO(slow.err);
    CHECK(slow.exit_code == 0);
    CHECK_THAT(slow.err, Catch::Contains(" info: sign-ups: registering 1/1 100%, 0/s, 0 s left"));

    const auto csv = "email,password,tier\nc1@example.com,password-1,public\n";
    const auto as_json = cli({"register", "--from", "-", "--json"}, db.env(), csv);
    CHECK(as_json.exit_code == 1);
    CHECK(json_out(as_json)["failed"] == 2);
    CHECK_THAT(as_json.err, Catch::Contains("line 1: not valid JSON (at byte ") &&
                                Catch::Contains("): is it CSV? pass --format csv"));

    const auto padded = write_file("padded.csv", "email, password ,tier,role\n"
                                                 " c2@example.com , pass word , founder , admin\n");
    const auto trimmed = cli({"register", "--from", padded}, db.env());
    std::filesystem::remove(padded);
    INFO(trimmed.err);
    CHECK(trimmed.exit_code == 0);
    CHECK(auth_count(db, "auth.users",
                     "email = 'c2@example.com' AND access_tier = 'founder' AND role = 'admin'") == 1);
    const auto hash = auth_query(db, "SELECT a.password FROM auth.accounts a JOIN auth.users u ON "
                                     "u.id = a.user_id WHERE u.email = 'c2@example.com'")[0][0]
                          .as<std::string>();
    CHECK(mana::verify_password(" pass word ", hash));
}
