// Round trips for operators (SPEC §8): a batch's failed lines given back
// as a file to fix and run again; the credentials no password matches.
#include "checks.hpp"
#include "database_checks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"
#include "terminal.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

using namespace mana::test;
using nlohmann::json;

namespace {

std::string contents_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

mode_t file_mode(const std::string& path) {
    struct stat status {};
    REQUIRE(stat(path.c_str(), &status) == 0);
    return status.st_mode & 07777;
}

// A path for a file the tool writes, removed however the test ends.
struct OutputPath {
    explicit OutputPath(const std::string& name) : path(temp_path(name)) {}
    ~OutputPath() { std::filesystem::remove(path); }
    std::string path;
};

} // namespace

TEST_CASE("a batch's rejects file holds exactly the lines that failed, byte for byte, and fixed "
          "they register") {
    TempDatabases db;
    REQUIRE(register_user(db, {"dup@example.com"}).exit_code == 0);
    // The failed lines as they stand in the file: a byte order mark, a
    // CRLF, blanks and a line without its end included.
    const std::string bad_email =
        "\xEF\xBB\xBF{\"email\":\"not an email\",\"password\":\"password-b1\"}";
    const std::string short_password = "  {\"email\":\"c@example.com\",\"password\":\"short\"}\r";
    const std::string taken = "{\"email\":\"DUP@example.com\",\"password\":\"password-d1\"}";
    const std::string broken = "{\"email\":\"e@example.com\",\"password\":\"password-e1\"";
    const TempFile input("users.jsonl",
                         bad_email + "\n" +
                             "{\"email\":\"a@example.com\",\"password\":\"password-a1\"}\n"
                             "\n" +
                             short_password + "\n" + taken + "\n" + broken);
    const OutputPath rejects("rejects.jsonl");
    const auto result =
        cli({"register", "--from", input.path(), "--rejects", rejects.path, "--json"}, db.env());
    INFO(result.err);
    CHECK(result.exit_code == 3);
    const auto doc = json_out(result);
    CHECK(doc["created"] == 1);
    CHECK(doc["failed"] == 4);
    CHECK(
        doc["rejects"] ==
        json{{"path", rejects.path}, {"lines", 4}, {"notKept", json::array()}, {"error", nullptr}});
    CHECK(contents_of(rejects.path) ==
          bad_email + "\n" + short_password + "\n" + taken + "\n" + broken + "\n");
    CHECK(file_mode(rejects.path) == 0600); // the lines hold passwords

    // Fixed where they were wrong, and the taken address skipped: every
    // line registers, and nothing is rejected.
    const TempFile fixed("fixed.jsonl",
                         "{\"email\":\"b@example.com\",\"password\":\"password-b1\"}\n"
                         "{\"email\":\"c@example.com\",\"password\":\"password-c1\"}\n" +
                             taken + "\n" + broken + "}\n");
    const auto rerun =
        cli({"register", "--from", fixed.path(), "--if-exists", "skip", "--rejects", rejects.path},
            db.env());
    INFO(rerun.err);
    CHECK(rerun.exit_code == 0);
    CHECK_THAT(rerun.out, Catch::Contains("3 created, 0 updated, 1 skipped, 0 failed") &&
                              Catch::Contains("rejects: 0 failed lines in " + rejects.path));
    CHECK(contents_of(rejects.path).empty());
    CHECK(auth_count(db, "auth.users") == 5);
    check_exactly_once(db);
}

TEST_CASE("the rejects file of a CSV batch starts with its header line, as it was") {
    TempDatabases db;
    const std::string header = "Email , password,tier\r";
    const std::string gold = "gina@example.com,password-g1, gold\r";
    const OutputPath rejects("rejects.csv");
    const auto result =
        cli({"register", "--from", "-", "--format", "csv", "--rejects", rejects.path}, db.env(),
            header + "\nada@example.com,password-a1,founder\r\n" + gold + "\n");
    INFO(result.err);
    CHECK(result.exit_code == 3);
    CHECK_THAT(result.err, Catch::Contains("line 3: unknown tier 'gold'"));
    CHECK(contents_of(rejects.path) == header + "\n" + gold + "\n");
    // The file is one register --from reads, as CSV by its name.
    std::ofstream(rejects.path, std::ios::binary)
        << header << "\ngina@example.com,password-g1, alpha\r\n";
    CHECK(cli({"register", "--from", rejects.path}, db.env()).exit_code == 0);
    CHECK(auth_count(db, "auth.users", "access_tier = 'alpha'") == 1);
}

TEST_CASE("a --rejects path that cannot be written is exit 2 before anything is read") {
    TempDatabases db;
    const TempFile input("users.jsonl",
                         "{\"email\":\"a@example.com\",\"password\":\"password-a1\"}\n");
    const auto missing_dir = temp_path("no-such-dir") + "/rejects.jsonl";
    CHECK_ONE_LINE_ERROR(
        cli({"register", "--from", input.path(), "--rejects", missing_dir}, db.env()), 2,
        "--rejects " + missing_dir + ": cannot create");
    CHECK_ONE_LINE_ERROR(cli({"register", "--from", input.path(), "--rejects",
                              std::filesystem::temp_directory_path().string()},
                             db.env()),
                         2, "is a directory");
    // Before the input's header and before any connection.
    CHECK_ONE_LINE_ERROR(cli({"register", "--from", "-", "--format", "csv", "--rejects",
                              missing_dir, "--auth-db", "postgresql://nobody@127.0.0.1:1/none"},
                             db.env(), "mail,password\n"),
                         2, "--rejects " + missing_dir);
    CHECK(auth_count(db, "auth.users") == 0);
    CHECK_ONE_LINE_ERROR(
        cli({"register", "a@example.com", "--rejects", temp_path("r.jsonl")}, db.env()), 2,
        "--rejects requires --from");
}

TEST_CASE("a row too long to keep is named, not cut into the rejects file") {
    TempDatabases db;
    const std::string bad = "{\"email\":\"bad\",\"password\":\"password-b1\"}";
    const TempFile input("long.jsonl", "{\"email\":\"x@example.com\",\"name\":\"" +
                                           std::string(70 * 1024, 'n') + "\"}\n" + bad + "\n");
    const OutputPath rejects("rejects.jsonl");
    const auto result =
        cli({"register", "--from", input.path(), "--rejects", rejects.path, "--json"}, db.env());
    INFO(result.err);
    CHECK(result.exit_code == 1);
    const auto doc = json_out(result);
    CHECK(doc["rejects"]["lines"] == 1);
    CHECK(doc["rejects"]["notKept"] == json::array({1}));
    CHECK(contents_of(rejects.path) == bad + "\n");
    CHECK_THAT(result.err,
               Catch::Contains("line 1 over 65536 bytes not kept: fix it in the input"));
}

TEST_CASE("doctor counts the live users whose credential no password matches, and names five") {
    TempDatabases db;
    for (const auto* email : {"a@example.com", "b@example.com", "c@example.com", "d@example.com"})
        REQUIRE(register_user(db, {email}).exit_code == 0);
    const auto user = [&](const std::string& email) { return user_id_of(db, email); };
    const auto set_hash = [&](const std::string& email, const std::string& value) {
        auth_query(db, "UPDATE auth.accounts SET password = " + value +
                           " WHERE provider_id = 'credential' AND user_id = '" + user(email) + "'");
    };
    set_hash("a@example.com", "'$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'");
    set_hash("b@example.com", "NULL");
    set_hash("c@example.com", "upper(password)"); // Better Auth's hex is lower case
    set_hash("d@example.com", "'not-a-hash'");
    auth_query(db, "UPDATE auth.users SET deleted_at = now() WHERE email = 'd@example.com'");
    const auto checked = [&] {
        const auto result = cli({"doctor", "--json"}, db.env());
        INFO(result.err);
        CHECK(result.exit_code == 0); // a warning: the tool itself can run
        const auto doc = json_out(result);
        for (const auto& check : doc["checks"])
            if (check["id"] == "auth.credentials") return check;
        FAIL("no auth.credentials check");
        return json();
    };
    auto ids = std::vector<std::string>{user("a@example.com"), user("b@example.com"),
                                        user("c@example.com")};
    std::sort(ids.begin(), ids.end());
    const auto warned = checked();
    CHECK(warned["status"] == "warn");
    CHECK_THAT(warned["detail"].get<std::string>(),
               Catch::Contains("no password matches (not a Better Auth scrypt hash): 3 (" + ids[0] +
                               ", " + ids[1] + ", " + ids[2] + ")"));
    // A new password each, and every live user can sign in again.
    for (const auto* email : {"a@example.com", "b@example.com", "c@example.com"})
        REQUIRE(register_user(db, {email, "--if-exists", "update"}).exit_code == 0);
    CHECK(checked()["status"] == "ok");
}

TEST_CASE("verify-password says whether a password signs the user in, and writes nothing") {
    TempDatabases db;
    REQUIRE(register_user(db, {"ada@example.com"}).exit_code == 0); // with `password`
    REQUIRE(register_user(db, {"bob@example.com"}).exit_code == 0);
    const auto ada = user_id_of(db, "ada@example.com");
    const auto events = auth_count(db, "auth.security_events");
    const auto verify = [&](const std::string& email, const std::string& pw,
                            std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"verify-password", email, "--password-stdin"};
        args.insert(args.end(), extra.begin(), extra.end());
        return cli(args, db.env(), pw);
    };

    const auto right = verify("ADA@Example.com ", password, {"--json"});
    INFO(right.err);
    CHECK(right.exit_code == 0);
    CHECK(json_out(right) ==
          json{{"ok", true}, {"email", "ADA@Example.com "}, {"userId", ada}, {"matches", true}});
    auto env = db.env();
    env["MANA_AUTH_PASSWORD"] = password;
    const auto by_environment = cli({"verify-password", "ada@example.com"}, env);
    CHECK(by_environment.exit_code == 0);
    CHECK_THAT(by_environment.out, Catch::Contains("the password matches the credential of "
                                                   "ada@example.com (user " +
                                                   ada + ")"));

    const auto wrong = verify("ada@example.com", "Wrong-Secret-4471");
    CHECK_ONE_LINE_ERROR(wrong, 8, "the password does not match the credential of ada@example.com");
    CHECK(wrong.err.find("Wrong-Secret-4471") == std::string::npos);
    const auto wrong_json = verify("ada@example.com", "Wrong-Secret-4471", {"--json"});
    CHECK(json_out(wrong_json)["exitCode"] == 8);
    CHECK(json_out(wrong_json)["ok"] == false);

    // A hash that is no Better Auth scrypt hash matches no password.
    auth_query(db, "UPDATE auth.accounts SET password = '$2b$10$abc' WHERE user_id = '" +
                       user_id_of(db, "bob@example.com") + "'");
    CHECK_ONE_LINE_ERROR(verify("bob@example.com", password), 8,
                         "it is no Better Auth scrypt hash");

    CHECK_ONE_LINE_ERROR(verify("nobody@example.com", password), 4, "not found");
    auth_query(db, "DELETE FROM auth.accounts WHERE user_id = '" +
                       user_id_of(db, "bob@example.com") + "'");
    CHECK_ONE_LINE_ERROR(verify("bob@example.com", password), 4, "has no password credential");
    auth_query(db, "UPDATE auth.users SET deleted_at = now() WHERE id = '" + ada + "'");
    CHECK_ONE_LINE_ERROR(verify("ada@example.com", password), 4, "is soft-deleted");
    const auto on_argv =
        cli({"verify-password", "ada@example.com", "--password", "Argv-Secret-9"}, db.env());
    CHECK_ONE_LINE_ERROR(on_argv, 2, "a password on the command line is refused");
    CHECK(on_argv.err.find("Argv-Secret-9") == std::string::npos);
    CHECK(auth_count(db, "auth.security_events") == events); // nothing written
}

namespace {

// Every row of every table a registration writes, as one text: equal
// before and after means nothing was written.
std::string all_rows(TempDatabases& db) {
    std::string rows;
    for (const auto* table : {"auth.users", "auth.accounts", "auth.security_events",
                              "auth.organizations", "auth.members"})
        rows += auth_query(db, std::string("SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY "
                                           "t::text), '') FROM ") +
                                   table + " t")[0][0]
                    .as<std::string>();
    return rows + sync_query(db, "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), "
                                 "'') FROM sync_changes t")[0][0]
                      .as<std::string>();
}

} // namespace

TEST_CASE("a dry run reports every line as the real run then does it, and writes nothing") {
    TempDatabases db;
    for (const auto* email : {"kept@example.com", "mixed@example.com"})
        REQUIRE(register_user(db, {email}).exit_code == 0);
    REQUIRE(register_user(db, {"gone@example.com", "--no-bootstrap"}).exit_code == 0);
    // Stored by other means, in another case: found as sign-up folds it.
    auth_query(db, "UPDATE auth.users SET email = 'Mixed@Example.COM' "
                   "WHERE email = 'mixed@example.com'");
    auth_query(db, "UPDATE auth.users SET deleted_at = now() WHERE email = 'gone@example.com'");
    const std::string pw = "\"password\":\"password-n1\"";
    const TempFile input("users.jsonl",
                         "{\"email\":\"new@example.com\"," + pw + "}\n" +                // created
                             "{\"email\":\"kept@example.com\",\"tier\":\"founder\"}\n" + // updated
                             "{\"email\":\"MIXED@example.com\",\"name\":\"Mixed\"}\n" +  // folded
                             "{\"email\":\" New@Example.com\",\"role\":\"admin\"," + pw +
                             "}\n" +                                       // twice in the file
                             "{\"email\":\"gone@example.com\"}\n" +        // soft-deleted
                             "{\"email\":\"not an email\"," + pw + "}\n" + // malformed
                             "{\"email\":\"nopw@example.com\"}\n" +        // no password
                             "{\"email\":\"kept@example.com\",\"tier\":\"founder\"}\n");
    std::vector<std::string> args{"register", "--from", input.path(), "--if-exists", "update"};
    const auto before = all_rows(db);
    auto dry_args = args;
    dry_args.push_back("--dry-run");
    const auto text = cli(dry_args, db.env());
    INFO(text.err);
    CHECK(text.exit_code == 3); // lines would fail, as they will
    const auto kept = user_id_of(db, "kept@example.com");
    for (const auto& line : std::vector<std::string>{
             "line 1: new@example.com: would create",
             "line 2: kept@example.com: would update (user " + kept +
                 "): would change tier: public \u2192 founder",
             "line 4: new@example.com: would update (created by line 1): would change role: user "
             "\u2192 admin, would change the password",
             "line 8: kept@example.com: would update (user " + kept + "): nothing would change",
             "dry run, nothing written: would create 1, update 4, skip 0; 3 would fail; "
             "singletons: "
             "2 would be written, 8 already there, 0 not written"})
        CHECK_THAT(text.out, Catch::Contains(line));
    CHECK_THAT(text.err,
               Catch::Contains("line 5: gone@example.com belongs to a soft-deleted user") &&
                   Catch::Contains("line 7: nopw@example.com: a new user needs a "
                                   "password"));
    dry_args.push_back("--json");
    const auto dry = cli(dry_args, db.env());
    CHECK(dry.exit_code == 3);
    CHECK(all_rows(db) == before); // checked by SQL: not a row changed

    args.push_back("--json");
    const auto real = cli(args, db.env());
    INFO(real.err);
    CHECK(real.exit_code == 3);
    auto predicted = json_out(dry);
    CHECK(predicted["dryRun"] == true);
    CHECK(predicted["wouldWrite"] == true);
    predicted.erase("dryRun");
    predicted.erase("wouldWrite");
    CHECK(predicted == json_out(real)); // counts, failures, changes and singletons alike
    CHECK(auth_count(db, "auth.users", "email = 'new@example.com' AND role = 'admin'") == 1);
    check_exactly_once(db);
}

TEST_CASE("a dry run exits 10 when anything would be written and 0 when nothing would") {
    TempDatabases db;
    REQUIRE(register_user(db, {"ada@example.com"}).exit_code == 0);
    REQUIRE(register_user(db, {"bob@example.com"}).exit_code == 0);
    const TempFile input("users.csv", "email,password\nada@example.com,\nBOB@example.com,\n");
    const auto dry_run = [&](std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"register", "--from",    input.path(), "--if-exists",
                                      "skip",     "--dry-run", "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        return cli(args, db.env());
    };
    const auto converged = dry_run();
    INFO(converged.err);
    CHECK(converged.exit_code == 0);
    CHECK(json_out(converged)["wouldWrite"] == false);
    CHECK(json_out(converged)["singletons"]["present"] == 4);

    // A skip finishes a live user's singletons: the dry run says so.
    sync_query(db, "DELETE FROM sync_changes WHERE table_name = 'userContext' AND user_id = '" +
                       user_id_of(db, "bob@example.com") + "'");
    const auto missing = dry_run();
    CHECK(missing.exit_code == 10);
    const auto doc = json_out(missing);
    CHECK(doc["skipped"] == 2);
    CHECK(doc["singletons"] == json{{"written", 1}, {"present", 3}, {"notWritten", 0}});
    CHECK(sync_count(db, "table_name = 'userContext'") == 1);
    CHECK(dry_run({"--no-bootstrap"}).exit_code == 0); // the users alone are all there

    // An update that changes no field still makes a personal Space missing.
    auth_query(db, "DELETE FROM auth.organizations WHERE id IN (SELECT organization_id FROM "
                   "auth.members WHERE user_id = '" +
                       user_id_of(db, "ada@example.com") + "')");
    const TempFile same("same.csv", "email\nada@example.com\nADA@example.com\n");
    std::vector<std::string> update{"register", "--from",    same.path(), "--if-exists",
                                    "update",   "--dry-run", "--json"};
    const auto space = cli(update, db.env());
    CHECK(space.exit_code == 10);
    const auto planned = json_out(space);
    CHECK(planned["updates"][0]["changes"] == json::array());
    // Its kontextDoc would be written, once: the second line finds it.
    CHECK(planned["singletons"] == json{{"written", 1}, {"present", 3}, {"notWritten", 0}});
    update.push_back("--no-bootstrap");
    CHECK(cli(update, db.env()).exit_code == 10);
    const auto done = json_out(
        cli({"register", "--from", same.path(), "--if-exists", "update", "--json"}, db.env()));
    auto predicted = planned;
    predicted.erase("dryRun");
    predicted.erase("wouldWrite");
    CHECK(done == predicted);

    // The failing lines go to --rejects as a real run's would.
    const OutputPath rejects("rejects.csv");
    const TempFile bad("bad.csv", "email,password\ncy@example.com,short\nada@example.com,\n");
    const auto rejected = cli({"register", "--from", bad.path(), "--if-exists", "skip", "--dry-run",
                               "--rejects", rejects.path},
                              db.env());
    CHECK(rejected.exit_code == 3);
    CHECK(contents_of(rejects.path) == "email,password\ncy@example.com,short\n");
    CHECK(auth_count(db, "auth.users") == 2);
}

TEST_CASE("a dry run that cannot reach the sync database stops before it reads a line") {
    TempDatabases db;
    const TempFile input("users.jsonl",
                         "{\"email\":\"a@example.com\",\"password\":\"password-a1\"}\n");
    auto env = db.env();
    env["SYNC_DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none";
    const auto result = cli({"register", "--from", input.path(), "--dry-run"}, env);
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.err, Catch::Contains("sync database"));
    CHECK(result.out.find("line 1") == std::string::npos);
    const auto users_only =
        cli({"register", "--from", input.path(), "--dry-run", "--no-bootstrap"}, env);
    CHECK(users_only.exit_code == 10);
    CHECK_THAT(users_only.out, Catch::Contains("line 1: a@example.com: would create"));
    CHECK(auth_count(db, "auth.users") == 0);
    CHECK_ONE_LINE_ERROR(cli({"register", "a@example.com", "--dry-run"}, db.env()), 2,
                         "--dry-run requires --from");
}

namespace {

// The fields export carries and register sets, and the credential, of
// every live user: equal on two databases when the users moved whole.
std::string exported_state(TempDatabases& db) {
    return auth_query(db, "SELECT string_agg(concat_ws('|', u.email, u.name, u.access_tier, "
                          "u.role, u.kind, u.email_verified, a.password), E'\\n' ORDER BY "
                          "u.email) FROM auth.users u LEFT JOIN auth.accounts a ON "
                          "a.user_id = u.id AND a.provider_id = 'credential' "
                          "WHERE u.deleted_at IS NULL")[0][0]
        .as<std::string>("");
}

} // namespace

TEST_CASE("export with password hashes moves users to another database, where their passwords "
          "sign them in") {
    TempDatabases from;
    REQUIRE(register_user(from, {"ada@example.com", "--tier", "founder", "--role", "admin",
                                 "--verified", "--name", "Ada, \"the\" Countess"})
                .exit_code == 0);
    REQUIRE(register_user(from, {"bob@example.com", "--kind", "persona"}, "bobs-own-secret")
                .exit_code == 0);
    REQUIRE(register_user(from, {"gone@example.com"}).exit_code == 0);
    REQUIRE(register_user(from, {"bcrypt@example.com"}).exit_code == 0);
    auth_query(from, "UPDATE auth.users SET deleted_at = now() WHERE email = 'gone@example.com'");
    auth_query(from, "UPDATE auth.accounts SET password = '$2b$10$abc' WHERE user_id = '" +
                         user_id_of(from, "bcrypt@example.com") + "'");
    const OutputPath out("users.jsonl");
    const auto exported =
        cli({"export", "--with-password-hashes", "--out", out.path, "--json"}, from.env());
    INFO(exported.err);
    CHECK(exported.exit_code == 3); // one user left out, by name
    const auto doc = json_out(exported);
    CHECK(doc["exported"] == 2);
    CHECK(doc["failures"] ==
          json::array({{{"userId", user_id_of(from, "bcrypt@example.com")},
                        {"error", "bcrypt@example.com: the password hash is not a Better Auth "
                                  "scrypt hash (32 hex characters, ':', 128 hex characters)"}}}));
    CHECK(file_mode(out.path) == 0600);
    const auto text = contents_of(out.path);
    CHECK(text.find("gone@example.com") == std::string::npos); // soft-deleted: never
    CHECK(text.find("bcrypt@example.com") == std::string::npos);

    TempDatabases to;
    const auto imported = cli({"register", "--from", out.path}, to.env());
    INFO(imported.err);
    CHECK(imported.exit_code == 0);
    auth_query(from, "DELETE FROM auth.users WHERE email IN ('gone@example.com', "
                     "'bcrypt@example.com')");
    CHECK(exported_state(to) == exported_state(from)); // fields and hashes alike
    CHECK(cli({"verify-password", "ada@example.com", "--password-stdin"}, to.env(), password)
              .exit_code == 0);
    CHECK(
        cli({"verify-password", "bob@example.com", "--password-stdin"}, to.env(), "bobs-own-secret")
            .exit_code == 0);
    check_exactly_once(to);
}

TEST_CASE("export selects by tier, role, kind and domain, in CSV too, and writes no hash "
          "unless asked") {
    TempDatabases db;
    REQUIRE(register_user(db, {"ada@example.com", "--tier", "founder"}).exit_code == 0);
    REQUIRE(register_user(db, {"bob@Other.example", "--tier", "founder", "--role", "admin"})
                .exit_code == 0);
    REQUIRE(register_user(db, {"cy@other.example", "--kind", "system"}).exit_code == 0);
    const auto emails = [&](std::vector<std::string> filter) {
        std::vector<std::string> args{"export"};
        args.insert(args.end(), filter.begin(), filter.end());
        const auto result = cli(args, db.env());
        INFO(result.err);
        CHECK(result.exit_code == 0);
        CHECK(result.out.find("password") == std::string::npos);
        std::vector<std::string> found;
        std::istringstream lines(result.out);
        for (std::string line; std::getline(lines, line);)
            found.push_back(json::parse(line)["email"]);
        std::sort(found.begin(), found.end()); // export's order is the ids'
        return found;
    };
    using list = std::vector<std::string>;
    CHECK(emails({}) == list{"ada@example.com", "bob@other.example", "cy@other.example"});
    CHECK(emails({"--tier", "founder"}) == list{"ada@example.com", "bob@other.example"});
    CHECK(emails({"--tier", "founder", "--role", "admin"}) == list{"bob@other.example"});
    CHECK(emails({"--kind", "system"}) == list{"cy@other.example"});
    CHECK(emails({"--email-domain", "@OTHER.example"}) ==
          list{"bob@other.example", "cy@other.example"});
    CHECK(emails({"--email-domain", "example"}).empty());

    const auto csv = cli({"export", "--format", "csv", "--tier", "founder"}, db.env());
    CHECK(csv.exit_code == 0);
    const auto ada = csv.out.find("\nada@example.com,ada,founder,user,human,false\n");
    const auto bob = csv.out.find("\nbob@other.example,bob,founder,admin,human,false\n");
    CHECK(csv.out.rfind("email,name,tier,role,kind,verified\n", 0) == 0);
    CHECK(ada != std::string::npos);
    CHECK(bob != std::string::npos);
    CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 3);
}

TEST_CASE("export refuses a terminal for hashes, and a bad --out or --json, before it reads") {
    TempDatabases db;
    REQUIRE(register_user(db, {"ada@example.com"}).exit_code == 0);
    auto env = db.env();
    Terminal terminal(cli_argv({"export", "--with-password-hashes"}), env);
    CHECK(terminal.wait() == 2);
    CHECK_THAT(terminal.screen(),
               Catch::Contains("password hashes are never written to a terminal"));
    CHECK(terminal.screen().find("ada@example.com") == std::string::npos); // no user
    const auto missing_dir = temp_path("no-such-dir") + "/users.jsonl";
    env["DATABASE_URL"] = "postgresql://nobody@127.0.0.1:1/none";
    CHECK_ONE_LINE_ERROR(cli({"export", "--out", missing_dir}, env), 2,
                         "--out " + missing_dir + ": cannot create");
    CHECK_ONE_LINE_ERROR(cli({"export", "--json"}, db.env()), 2, "--json needs --out FILE");
    CHECK_ONE_LINE_ERROR(cli({"export", "--email-domain", "a@b"}, db.env()), 2,
                         "--email-domain takes the part of an address after '@'");
}

namespace {

// A dev cluster in a directory of its own, stopped and removed however the
// test ends.
struct DevDir {
    DevDir() {
        char pattern[] = "/tmp/mana-dev-seed-XXXXXX";
        path = mkdtemp(pattern);
    }
    ~DevDir() { cli({"dev", "down", "--dir", path}); }
    // The users' emails and the singletons, as the cluster holds them.
    std::string users_and_singletons() const {
        const auto env = json_out(cli({"dev", "env", "--dir", path, "--json"}));
        pqxx::connection auth{env["DATABASE_URL"].get<std::string>()};
        pqxx::connection sync{env["SYNC_DATABASE_URL"].get<std::string>()};
        return pqxx::nontransaction(auth)
                   .exec("SELECT coalesce(string_agg(email, ',' ORDER BY email), '') "
                         "FROM auth.users")[0][0]
                   .as<std::string>() +
               "; " +
               pqxx::nontransaction(sync)
                   .exec("SELECT coalesce(string_agg(table_name, ',' ORDER BY table_name), '') "
                         "FROM sync_changes")[0][0]
                   .as<std::string>();
    }
    std::string path;
};

} // namespace

TEST_CASE("dev up --seed registers a file once, and dev reset --seed starts over with exactly it") {
    const std::string founders = MANA_SOURCE_DIR "/tests/data/founders.jsonl";
    const std::string seeded = "ada@example.com,alan@example.com,grace@example.com; "
                               "kontextDoc,kontextDoc,kontextDoc,userContext,userContext,"
                               "userContext";
    DevDir dev;
    const auto up = cli({"dev", "up", "--dir", dev.path, "--seed", founders, "--json"});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK(json_out(up)["seed"] == json{{"file", founders},
                                       {"created", 3},
                                       {"skipped", 0},
                                       {"failed", 0},
                                       {"singletonsWritten", 6}});
    CHECK(dev.users_and_singletons() == seeded);
    const auto again = cli({"dev", "up", "--dir", dev.path, "--seed", founders});
    CHECK(again.exit_code == 0);
    CHECK_THAT(again.out, Catch::StartsWith("export DATABASE_URL=")); // only the exports
    CHECK_THAT(again.err, Catch::Contains("0 created, 3 already there, 0 failed"));
    CHECK(dev.users_and_singletons() == seeded);

    // Work done since: gone after a reset, the seed there again.
    auto env = json_out(cli({"dev", "env", "--dir", dev.path, "--json"}));
    const auto extra = cli({"register", "zoe@example.com", "--password-stdin", "--auth-db",
                            env["DATABASE_URL"], "--sync-db", env["SYNC_DATABASE_URL"]},
                           {}, password);
    REQUIRE(extra.exit_code == 0);
    const auto reset = cli({"dev", "reset", "--dir", dev.path, "--seed", founders});
    INFO(reset.err);
    CHECK(reset.exit_code == 0);
    CHECK(reset.out == again.out); // the same cluster, the same port
    CHECK(dev.users_and_singletons() == seeded);
    CHECK(cli({"dev", "reset", "--dir", dev.path}).exit_code == 0);
    CHECK(dev.users_and_singletons() == "; ");
    const auto doctor =
        cli({"doctor", "--auth-db", env["DATABASE_URL"], "--sync-db", env["SYNC_DATABASE_URL"]});
    CHECK(doctor.exit_code == 0); // the schema made again

    CHECK_ONE_LINE_ERROR(cli({"dev", "up", "--dir", dev.path, "--seed", "/no/such.jsonl"}), 2,
                         "--seed /no/such.jsonl");
    const TempFile bad("bad.jsonl", "{\"email\":\"new@example.com\"}\n");
    const auto failed = cli({"dev", "reset", "--dir", dev.path, "--seed", bad.path()});
    CHECK(failed.exit_code == 1); // every line failed: no password for a new user
    CHECK_THAT(failed.err, Catch::Contains("--seed line 1: new@example.com: a new user needs a "
                                           "password"));
    REQUIRE(cli({"dev", "down", "--dir", dev.path}).exit_code == 0);
    CHECK_ONE_LINE_ERROR(cli({"dev", "reset", "--dir", dev.path}), 1, "no running cluster");
}
