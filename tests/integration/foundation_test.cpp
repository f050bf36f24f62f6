// The foundation: global surface, connection errors, doctor, dev.
#include "checks.hpp"
#include "database_checks.hpp"
#include "pg/locks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"
#include "terminal.hpp"
#include "test_server.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace mana::test;

TEST_CASE("help lists every command and version prints the version") {
    const auto help = cli({"--help"});
    CHECK(help.exit_code == 0);
    for (const auto* command :
         {"register", "bootstrap", "reconcile", "doctor", "catalog", "dev", "completions"}) {
        CHECK_THAT(help.out, Catch::Contains(command));
    }
    const auto version = cli({"--version"});
    CHECK(version.exit_code == 0);
    CHECK_THAT(version.out, Catch::StartsWith("mana-auth " MANA_AUTH_VERSION));
    // The commit it was built from, read at the build, not at configure.
    CHECK_THAT(version.out,
               Catch::Matches(R"re(mana-auth [0-9.]+ \(commit ([0-9a-f]{12}(-dirty)?|)re"
                              R"re(unknown)\)\n)re"));
}

TEST_CASE("usage errors exit 2 with one line") {
    CHECK_ONE_LINE_ERROR(cli({}), 2, "a command is required");
    CHECK_ONE_LINE_ERROR(cli({"doctor", "--no-such-flag"}), 2, "--no-such-flag");
    CHECK_ONE_LINE_ERROR(cli({"--log-format", "xml", "doctor"}), 2, "--log-format");
    // (libpq's PGDATABASE, which the test server sets, would name one.)
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user", "x"},
                             {{"DATABASE_URL", std::nullopt}, {"PGDATABASE", std::nullopt}}),
                         2, "no auth database: pass --auth-db URL or set DATABASE_URL");
}

TEST_CASE("a usage error the parser finds still prints the JSON document --json asked for") {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"completions", "tcsh", "--json"},
             {"--json", "completions", "tcsh"},
             {"reconcile", "--all", "--json", "--batch-size", "0"}}) {
        const auto result = cli(args);
        CHECK_ONE_LINE_ERROR(result, 2, "");
        const auto doc = json_out(result);
        CHECK(doc["ok"] == false);
        CHECK(doc["exitCode"] == 2);
    }
}

TEST_CASE("doctor passes on databases made from sql/") {
    TempDatabases db;
    const auto result = cli({"doctor", "--json"}, db.env());
    INFO(result.out << result.err);
    CHECK(result.exit_code == 0);
    const auto doc = json_out(result);
    CHECK(doc["ok"] == true);
    std::set<std::string> names;
    std::vector<std::string> ids;
    for (const auto& check : doc["checks"]) {
        names.insert(check["name"]);
        ids.push_back(check["id"]);
        CHECK(check["status"] == "ok");
    }
    // An id for scripts, one a check, in the order doctor checks.
    CHECK(ids == std::vector<std::string>{
                     "auth.connection", "auth.pooler", "auth.schema", "auth.requiredColumns",
                     "auth.privileges", "auth.writable", "auth.credentials", "sync.connection",
                     "sync.pooler", "sync.schema", "sync.requiredColumns", "sync.roleRowSecurity",
                     "sync.tableRowSecurity", "sync.indexes", "sync.privileges",
                     "sync.writePermission", "sync.standbyLag"});
    CHECK(names == std::set<std::string>{
                       "auth database connection", "auth database pooler", "auth database schema",
                       "auth database required columns", "auth database privileges",
                       "auth database writable", "auth database credentials",
                       "sync database connection", "sync database pooler", "sync database schema",
                       "sync database required columns", "sync role and row-level security",
                       "sync_changes row-level security", "sync_changes indexes",
                       "sync database privileges", "sync database write permission",
                       "standby lag (--max-lag)"});
    // The write check rolled back.
    CHECK(sync_count(db, "true") == 0);
}

TEST_CASE("doctor names a missing table and a retyped column and exits 1") {
    TempDatabases db;
    auth_query(db, "DROP TABLE auth.members");
    sync_query(db, "ALTER TABLE sync_changes ALTER COLUMN schema_version TYPE text");
    const auto result = cli({"doctor"}, db.env());
    CHECK(result.exit_code == 1);
    CHECK_THAT(result.out, Catch::Contains("auth.members is missing"));
    CHECK_THAT(result.out,
               Catch::Contains("sync_changes.schema_version has type text, expected integer"));
}

TEST_CASE("a command on an incompatible schema stops with one line naming the column") {
    TempDatabases db;
    auth_query(db, "ALTER TABLE auth.users DROP COLUMN deleted_at");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user", "u1"}, db.env()), 1,
                         "auth database: incompatible schema: auth.users.deleted_at is missing");
}

TEST_CASE("doctor names the command a missing privilege would break, and reconcile refuses") {
    TempDatabases db;
    add_users_with_spaces(db, 3);
    sync_query(db, "REVOKE TEMPORARY ON DATABASE " + db.sync_name() + " FROM PUBLIC");
    const auto doctor = cli({"doctor"}, db.env(true));
    INFO(doctor.out << doctor.err);
    CHECK(doctor.exit_code == 1);
    CHECK_THAT(doctor.out, Catch::Contains("fail\tsync database privileges: no TEMP on this "
                                           "database (temporary tables): reconcile would fail"));
    // The same GRANT that reconcile's refusal names.
    CHECK_THAT(doctor.out, Catch::Contains("(GRANT TEMP ON DATABASE " + db.sync_name() + " TO " +
                                           plain_role + ")"));
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--check"}, db.env(true)), 1,
                         "may not create temporary tables, which reconcile needs: GRANT TEMP");
    CHECK(sync_count(db, "true") == 0);
    // What only register needs is a warning: reconcile works with a read-only auth role.
    // INSERT without UPDATE is still not enough (a privilege list would have said so).
    auth_query(db, std::string("GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA auth TO ") +
                       plain_role + "; GRANT USAGE ON SCHEMA auth TO " + plain_role);
    auto env = db.env();
    env["DATABASE_URL"] =
        "dbname=" + db.auth_name() + " user=" + plain_role + " password=" + plain_role_password;
    const auto read_only = cli({"doctor"}, env);
    CHECK(read_only.exit_code == 0);
    CHECK_THAT(read_only.out,
               Catch::Contains("warn\tauth database privileges: no INSERT, UPDATE on auth.users, "
                               "auth.accounts, auth.security_events, auth.organizations, "
                               "auth.members: register would fail"));
}

namespace {

// doctor's checks by name: (status, detail).
std::map<std::string, std::pair<std::string, std::string>> doctor_checks(TempDatabases& db,
                                                                         bool plain) {
    const auto result = cli({"doctor", "--json"}, db.env(plain));
    INFO(result.out << result.err);
    CHECK(result.exit_code == 0);
    std::map<std::string, std::pair<std::string, std::string>> checks;
    const auto doc = json_out(result);
    for (const auto& check : doc["checks"])
        checks[check["name"].get<std::string>()] = {check["status"].get<std::string>(),
                                                    check["detail"].get<std::string>()};
    return checks;
}

} // namespace

TEST_CASE("doctor and reconcile decide row-level security as PostgreSQL does, and doctor warns "
          "of it off, not forced, and of missing indexes") {
    TempDatabases db;
    add_users_with_spaces(db, 3);
    const auto strategy = [&] {
        const auto result = cli({"reconcile", "--all", "--check", "--json"}, db.env(true));
        INFO(result.err);
        CHECK(result.exit_code == 10);
        const auto doc = json_out(result);
        return doc["itemByItem"].get<bool>() ? "item by item" : "set-based";
    };
    const std::string rls = "sync role and row-level security";
    const std::string table = "sync_changes row-level security";

    auto checks = doctor_checks(db, true); // forced, a plain role: bound
    CHECK(checks[rls].first == "warn");
    CHECK(checks[table] == std::make_pair(std::string("ok"), std::string("enabled and forced")));
    CHECK(std::string(strategy()) == "item by item");

    sync_query(db, "ALTER TABLE sync_changes DISABLE ROW LEVEL SECURITY");
    checks = doctor_checks(db, true);
    CHECK(checks[rls] == std::make_pair(std::string("ok"),
                                        std::string("row-level security is off on sync_changes: "
                                                    "reconcile runs set-based")));
    CHECK(checks[table].first == "warn");
    CHECK_THAT(checks[table].second, Catch::StartsWith("disabled"));
    CHECK(std::string(strategy()) == "set-based");

    sync_query(db, std::string("ALTER TABLE sync_changes ENABLE ROW LEVEL SECURITY, NO FORCE ROW "
                               "LEVEL SECURITY, OWNER TO ") +
                       plain_role);
    checks = doctor_checks(db, true);
    CHECK(checks[rls].first == "ok");
    CHECK_THAT(checks[rls].second, Catch::Contains("acts as the owner of sync_changes"));
    CHECK(checks[table].first == "warn");
    CHECK_THAT(checks[table].second,
               Catch::Contains(std::string("not forced: its owner ") + plain_role));
    CHECK(std::string(strategy()) == "set-based");

    sync_query(db, "ALTER TABLE sync_changes FORCE ROW LEVEL SECURITY");
    CHECK(doctor_checks(db, true)[rls].first == "warn");
    CHECK(std::string(strategy()) == "item by item");

    CHECK(doctor_checks(db, false)["sync_changes indexes"].first == "ok");
    sync_query(db, "DROP INDEX sync_changes_user_app_created_idx, "
                   "sync_changes_user_space_app_created_idx");
    checks = doctor_checks(db, false);
    CHECK(checks["sync_changes indexes"].first == "warn");
    CHECK_THAT(checks["sync_changes indexes"].second,
               Catch::StartsWith("none on (user_id, app_id, created_at), (user_id, space_id, "
                                 "app_id, created_at): per-item checks"));
}

TEST_CASE("doctor warns about a role bound by row-level security but passes") {
    TempDatabases db;
    const auto result = cli({"doctor", "--json"}, db.env(true));
    CHECK(result.exit_code == 0);
    bool warned = false;
    const auto doc = json_out(result);
    for (const auto& check : doc["checks"]) {
        if (check["name"] == "sync role and row-level security") {
            warned = check["status"] == "warn";
            CHECK_THAT(check["detail"].get<std::string>(), Catch::Contains("BYPASSRLS"));
        }
    }
    CHECK(warned);
}

TEST_CASE("an unreachable database is one line naming it with the password masked") {
    TempDatabases db;
    add_user(db, "u1", "u1@example.com");
    auto env = db.env();
    env["SYNC_DATABASE_URL"] = "postgresql://ops:TopSecret99@127.0.0.1:1/mana_sync";
    const auto unreachable = cli({"bootstrap", "user", "u1"}, env);
    CHECK_ONE_LINE_ERROR(unreachable, 1,
                         "sync database (postgresql://ops:****@127.0.0.1:1/mana_sync)");
    CHECK_THAT(unreachable.err, Catch::Contains("check --sync-db or SYNC_DATABASE_URL"));
    CHECK_THAT(unreachable.err, !Catch::Contains("TopSecret99"));
}

TEST_CASE("a failover string that reaches no host names every host's reason in one line") {
    TempDatabases db;
    add_user(db, "u1", "u1@example.com");
    auto env = db.env();
    env["SYNC_DATABASE_URL"] = "host=127.0.0.1," + pg_env("PGHOST", "localhost") + " port=1," +
                               pg_env("PGPORT", "5432") +
                               " dbname=mana_no_such_db target_session_attrs=read-write";
    const auto result = cli({"bootstrap", "user", "u1"}, env);
    CHECK_ONE_LINE_ERROR(result, 1, "sync database (host=127.0.0.1,");
    CHECK_THAT(result.err, Catch::Contains("port 1 failed: Connection refused; ") &&
                               Catch::Contains("failed: database \"mana_no_such_db\" does not exist"));
}

TEST_CASE("a malformed URL and a wrong password are one line with exit 1 and the password masked") {
    TempDatabases db;
    const auto malformed =
        cli({"doctor", "--auth-db", "postgresql://u:Pw%zzSecret@host:notaport/db"}, db.env());
    CHECK(malformed.exit_code == 1);
    CHECK_THAT(malformed.out + malformed.err, !Catch::Contains("Pw%zzSecret"));
    CHECK_THAT(malformed.out, Catch::Contains("auth database"));

    auto env = db.env();
    env["DATABASE_URL"] =
        "dbname=" + db.auth_name() + " user=" + plain_role + " password=WrongPassword7";
    const auto wrong = cli({"bootstrap", "user", "u1"}, env);
    CHECK_ONE_LINE_ERROR(wrong, 1, "password authentication failed");
    CHECK_THAT(wrong.err, Catch::Contains("auth database (dbname="));
    CHECK_THAT(wrong.err, !Catch::Contains("WrongPassword7"));
}

// What ps shows of a process: its argv as it is now.
std::string command_line_of(pid_t pid) {
    auto text = read_text("/proc/" + std::to_string(pid) + "/cmdline");
    std::replace(text.begin(), text.end(), '\0', ' ');
    return text;
}

TEST_CASE("connection passwords on the command line are blanked from the running process's argv, "
          "with one warning") {
    TempDatabases db;
    const char* password = std::getenv("PGPASSWORD");
    if (!password || std::string(password).size() < 4) {
        WARN("no PGPASSWORD: the server takes no password to blank");
        return;
    }
    const auto host = pg_env("PGHOST", "localhost");
    const auto port = pg_env("PGPORT", "5432");
    const auto user = pg_env("PGUSER", "postgres");
    // Another run's lock keeps this one waiting, alive, to be looked at.
    pqxx::connection holder{db.sync_url()};
    pqxx::nontransaction{holder}.exec_params("SELECT pg_advisory_lock($1, 0)",
                                             static_cast<int>(mana::LockSpace::reconcile_run));
    const auto started = sync_clock(db);
    // sslpassword is ignored without a client key; the encoded keyword is
    // libpq's too.
    Process run(cli_argv({"reconcile", "--all", "--wait", "--auth-db",
                          "postgresql://" + user + ":" + password + "@" + host + ":" + port + "/" +
                              db.auth_name() + "?sslpassword=UrlSslSecret1&pass%77ord=" + password,
                          "--sync-db=host=" + host + " port=" + port + " user=" + user +
                              " password=" + password + " sslpassword='Kv Ssl Secret2' dbname=" +
                              db.sync_name()}),
                {{"PGPASSWORD", std::nullopt}});
    REQUIRE(eventually([&] { return tool_sessions_on_sync(db, started) > 0; }));
    const auto shown = command_line_of(run.pid());
    CHECK_THAT(shown, !Catch::Contains(password));
    CHECK_THAT(shown, !Catch::Contains("UrlSslSecret1"));
    CHECK_THAT(shown, !Catch::Contains("Kv Ssl Secret2"));
    CHECK_THAT(shown, Catch::Contains("postgresql://" + user + ":" +
                                      std::string(std::strlen(password), '*') + "@" + host) &&
                          Catch::Contains(" password=" + std::string(std::strlen(password), '*') +
                                          " sslpassword='" + std::string(14, '*') +
                                          "' dbname=" + db.sync_name()));
    pqxx::nontransaction{holder}.exec("SELECT pg_advisory_unlock_all()");
    const auto result = run.wait();
    INFO(result.err);
    CHECK(result.exit_code == 0);
    CHECK(lines_above_info(result.err) == 1); // the warning, whatever progress came
    CHECK_THAT(result.err, Catch::Contains("warn: a connection password on the command line is "
                                           "visible to other users of this machine") &&
                               Catch::Contains("~/.pgpass (PGPASSFILE)"));
}

TEST_CASE("no password reaches the parser's errors, JSON errors or logs, wherever it was given") {
    TempDatabases db;
    auto env = db.env();
    env["PGPASSWORD"] = "EnvPgPassword5";
    env["SYNC_DATABASE_URL"] = "postgresql://ops:EnvUrlSecret4@127.0.0.1:1/sync";
    const std::vector<std::vector<std::string>> commands = {
        // A URL pasted where no argument is expected (the issue's case).
        {"reconcile", "--all", "--check", "postgresql://user:PastedSecret1@host/db"},
        {"reconcile", "--all", "--json", "postgres://user:PastedSecret2@host/db"},
        {"doctor", "--auth-db=postgresql://u:InlineSecret3@host/db", "--frobnicate"},
        {"doctor", "host=h password='KeywordSecret6' dbname=x", "--json"},
        {"register", "a@example.com", "--password", "ArgvPassword8", "--json"},
        // A password too short to register alone stays masked inside its URL.
        {"bootstrap", "user", "u1", "--json", "extra", "postgresql://u:pw@host/db"},
        {"bootstrap", "user", "u1", "--log-level", "debug", "--log-format", "json"},
        // Every secret keyword of libpq, however a URL spells its name.
        {"doctor", "--auth-db", "host=127.0.0.1 port=1 sslpassword=SslSecret9 dbname=x"},
        {"doctor", "--auth-db", "postgresql://127.0.0.1:1/x?pass%77ord=EncodedSecret10"},
        {"doctor", "--auth-db", "postgresql://127.0.0.1:1/x?sslpassword=UrlSslSecret11", "--json"},
    };
    for (const auto& args : commands) {
        const auto result = cli(args, env);
        INFO("args: " << args[0] << " ... " << args.back() << "\nstdout: " << result.out
                      << "\nstderr: " << result.err);
        CHECK(result.exit_code != 0);
        for (const char* secret :
             {"PastedSecret1", "PastedSecret2", "InlineSecret3", "EnvUrlSecret4", "EnvPgPassword5",
              "KeywordSecret6", "ArgvPassword8", "u:pw@", "SslSecret9", "EncodedSecret10",
              "UrlSslSecret11"}) {
            CHECK_THAT(result.out + result.err, !Catch::Contains(secret));
        }
    }
    const auto pasted = cli(commands[1], env);
    CHECK(pasted.exit_code == 2);
    CHECK_THAT(pasted.err, Catch::Contains("postgres://user:****@host/db"));
    CHECK(json_out(pasted)["ok"] == false);
}

TEST_CASE("colour on a terminal unless NO_COLOR is set to something") {
    TempDatabases db;
    for (const auto& [no_color, coloured] :
         {std::pair<std::optional<std::string>, bool>{std::nullopt, true},
          {std::string(), true}, // set but empty: no-color.org says it does not count
          {std::string("1"), false}}) {
        auto env = db.env();
        env["NO_COLOR"] = no_color;
        Terminal terminal(cli_argv({"doctor"}), env);
        CHECK(terminal.wait() == 0);
        INFO("NO_COLOR=" << no_color.value_or("(unset)") << "\n" << terminal.screen());
        CHECK((terminal.screen().find("\033[32mok") != std::string::npos) == coloured);
    }
}

TEST_CASE("a mistyped command or option gets the one most likely meant, in text and in JSON") {
    CHECK_ONE_LINE_ERROR(cli({"reconcle", "--all"}), 2,
                         "unknown command 'reconcle' (commands: register, verify-password, export, "
                         "bootstrap, reconcile, "
                         "doctor, catalog, dev, completions): did you mean 'reconcile'? (see "
                         "mana-auth --help)");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "usr", "u1"}), 2,
                         "unknown command 'bootstrap usr' (commands: user, space): did you mean "
                         "'bootstrap user'?");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--dry-rn"}), 2,
                         "unknown option '--dry-rn' for 'reconcile': did you mean --dry-run? (see "
                         "mana-auth reconcile --help)");
    CHECK_ONE_LINE_ERROR(cli({"regsiter", "ada@example.com"}), 2, "did you mean 'register'?");
    // A global option, before the command or after it.
    CHECK_ONE_LINE_ERROR(cli({"--jsno", "doctor"}), 2,
                         "unknown option '--jsno': did you mean --json? (see mana-auth doctor "
                         "--help)");
    CHECK_ONE_LINE_ERROR(cli({"doctor", "--jsno"}), 2,
                         "unknown option '--jsno' for 'doctor': did you mean --json?");
    CHECK_ONE_LINE_ERROR(cli({"catalog", "--confg", "f"}), 2,
                         "unknown option '--confg' for 'catalog': did you mean --config?");
    // Before the command, only the global options are there to mean.
    CHECK_ONE_LINE_ERROR(cli({"--dry-rn", "reconcile", "--all"}), 2,
                         "unknown option '--dry-rn' (see mana-auth reconcile --help)");
    // Nothing near enough: no guess.
    const auto far = cli({"doctor", "--frobnicate-everything"});
    CHECK_ONE_LINE_ERROR(far, 2, "unknown option '--frobnicate-everything' for 'doctor' (see");
    CHECK(far.err.find("did you mean") == std::string::npos);
    const auto in_json = cli({"reconcile", "--all", "--since=1h", "--max-write", "5", "--json"});
    CHECK(in_json.exit_code == 2);
    const auto doc = json_out(in_json);
    CHECK(doc["ok"] == false);
    CHECK_THAT(doc["error"].get<std::string>(),
               Catch::StartsWith("unknown option '--max-write' for 'reconcile': did you mean "
                                 "--max-writes?"));
}

TEST_CASE("unknown and missing commands are named, and usage errors point at the command's help") {
    CHECK_ONE_LINE_ERROR(cli({"frobnicate"}), 2,
                         "unknown command 'frobnicate' (commands: register, verify-password, "
                         "export, bootstrap, reconcile, "
                         "doctor, catalog, dev, completions) (see mana-auth --help)");
    CHECK_ONE_LINE_ERROR(cli({"--json", "bootstrap", "usr"}), 2,
                         "unknown command 'bootstrap usr' (commands: user, space): did you "
                         "mean 'bootstrap user'? (see mana-auth bootstrap --help)");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap"}), 2, "'bootstrap' needs a command (user, space)");
    CHECK_ONE_LINE_ERROR(cli({"bootstrap", "user", "--frob"}), 2,
                         "unknown option '--frob' for 'bootstrap user' (see mana-auth bootstrap "
                         "user --help)");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--check", "--dry-run"}), 2,
                         "--check and --dry-run exclude each other");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--list", "-1"}), 2, "--list");
    // The final error line follows --log-format json, like every log line.
    const auto json_error = cli({"reconcile", "--log-format", "json"});
    CHECK(json_error.exit_code == 2);
    const auto line = nlohmann::json::parse(json_error.err);
    CHECK(line["level"] == "error");
    CHECK(line["exitCode"] == 2);
    CHECK_THAT(line["message"].get<std::string>(),
               Catch::Contains("pass --all") && Catch::Contains("see mana-auth reconcile --help"));
}

TEST_CASE("log format json writes one JSON object per log line") {
    TempDatabases db;
    add_user(db, "u1", "u1@example.com");
    const auto result =
        cli({"bootstrap", "user", "u1", "--log-level", "debug", "--log-format", "json"}, db.env());
    CHECK(result.exit_code == 0);
    std::istringstream lines(result.err);
    std::string line;
    while (std::getline(lines, line)) {
        const auto entry = nlohmann::json::parse(line);
        CHECK(entry.contains("time"));
        CHECK(entry.contains("level"));
        CHECK(entry.contains("message"));
    }
}

TEST_CASE("dev up starts a cluster that doctor accepts and status env down follow") {
    char pattern[] = "/tmp/mana-dev-test-XXXXXX";
    const std::string dir = mkdtemp(pattern);
    const auto up = cli({"dev", "up", "--dir", dir});
    INFO(up.err);
    REQUIRE(up.exit_code == 0);
    CHECK_THAT(up.out,
               Catch::Matches(
                   "export DATABASE_URL=postgresql://postgres@127\\.0\\.0\\.1:[0-9]+/mana_platform "
                   "SYNC_DATABASE_URL=postgresql://postgres@127\\.0\\.0\\.1:[0-9]+/mana_sync\n"));
    const auto again = cli({"dev", "up", "--dir", dir});
    CHECK(again.exit_code == 0);
    CHECK(again.out == up.out);
    CHECK(cli({"dev", "env", "--dir", dir}).out == up.out);

    const auto auth_url =
        up.out.substr(up.out.find('=') + 1, up.out.find(' ', 7) - up.out.find('=') - 1);
    const auto sync_url =
        up.out.substr(up.out.rfind('=') + 1, up.out.size() - up.out.rfind('=') - 2);
    const auto doctor = cli({"doctor", "--auth-db", auth_url, "--sync-db", sync_url});
    INFO(doctor.out << doctor.err);
    CHECK(doctor.exit_code == 0);

    CHECK(cli({"dev", "status", "--dir", dir}).exit_code == 0);
    CHECK(cli({"dev", "down", "--dir", dir}).exit_code == 0);
    CHECK(cli({"dev", "status", "--dir", dir}).exit_code == 1);
    CHECK_FALSE(std::filesystem::exists(dir));
}

TEST_CASE("a given sync-db wins over SYNC_DATABASE_URL for every command") {
    // Regression: with the environment bound to the option of every command,
    // a later command's default overwrote the value given to an earlier one.
    TempDatabases db;
    add_user(db, "u1", "u1@example.com");
    const std::string down = "postgresql://ops:Unreachable9@127.0.0.1:1/x";
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"reconcile", "--all", "--check", "--sync-db", down},
             {"bootstrap", "user", "u1", "--sync-db", down},
             {"register", "--from", "-", "--require-sync", "--sync-db", down},
             {"doctor", "--sync-db", down},
             {"--sync-db", down, "reconcile", "--all", "--check"},
             {"--sync-db", down, "bootstrap", "user", "u1"},
             {"--sync-db", down, "register", "--from", "-", "--require-sync"},
             {"--sync-db", down, "doctor"}}) {
        const auto result = cli(args, db.env(), "");
        INFO(args[0] << " " << args[1] << ": " << result.out << result.err);
        CHECK(result.exit_code == 1);
        CHECK_THAT(result.out + result.err, Catch::Contains("127.0.0.1:1"));
    }
}

namespace {

// args with the global options before the command's words or after them.
std::vector<std::string> placed(const std::vector<std::string>& command,
                                const std::vector<std::string>& globals, bool before) {
    auto args = before ? globals : command;
    const auto& rest = before ? command : globals;
    args.insert(args.end(), rest.begin(), rest.end());
    return args;
}

} // namespace

TEST_CASE("global options stand before the command or after it, for every command") {
    for (const bool before : {true, false}) {
        INFO((before ? "before" : "after") << " the command");
        TempDatabases db;
        add_users_with_spaces(db, 3);
        const std::vector<std::string> globals = {"--auth-db",   db.auth_url(), "--sync-db",
                                                  db.sync_url(), "--json",      "--log-level",
                                                  "warn"};
        // Only the options name the databases.
        EnvChanges env{{"DATABASE_URL", std::nullopt},
                       {"SYNC_DATABASE_URL", std::nullopt},
                       {"MANA_AUTH_PASSWORD", "correct horse battery"}};
        const auto run_json = [&](const std::vector<std::string>& command, int expected_exit) {
            const auto result = cli(placed(command, globals, before), env);
            INFO(command[0] << ": " << result.out << result.err);
            CHECK(result.exit_code == expected_exit);
            CHECK(result.err.empty()); // --log-level warn: nothing to say
            return nlohmann::json::parse(result.out);
        };
        CHECK(run_json({"doctor"}, 0)["ok"] == true);
        CHECK(run_json({"reconcile", "--all", "--check"}, 10)["users"]["missing"] == 3);
        CHECK(run_json({"bootstrap", "user", "u1"}, 0)["bootstrapped"]["userContext"] == true);
        CHECK(run_json({"bootstrap", "space", "s2"}, 0)["ok"] == true);
        CHECK(run_json({"register", "new@example.com"}, 0)["ok"] == true);
        CHECK(auth_count(db, "auth.users", "email = 'new@example.com'") == 1);
        CHECK(run_json({"reconcile", "--all"}, 0)["users"]["written"] == 2);
        check_exactly_once(db);
        CHECK(sync_count(db, "table_name = 'userContext'") == 4);
        CHECK(sync_count(db, "table_name = 'kontextDoc'") == 4);
    }
}

TEST_CASE("a global option given twice is a usage error, and one a command does not take") {
    TempDatabases db;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--auth-db", db.auth_url(), "reconcile", "--all", "--auth-db", db.auth_url()},
             {"--sync-db", db.sync_url(), "--sync-db", "dbname=other", "reconcile", "--all"},
             {"--log-format", "json", "bootstrap", "user", "u1", "--log-format", "text"},
             {"doctor", "--log-level", "debug", "--log-level", "info"}}) {
        const auto& name = args[0] == "doctor" ? args[1] : args[0];
        CHECK_ONE_LINE_ERROR(cli(args, db.env()), 2,
                             name + " is given 2 times: give it once, before the command or after");
    }
    CHECK_ONE_LINE_ERROR(cli({"--auth-db", db.auth_url(), "completions", "bash"}), 2,
                         "--auth-db does not apply to 'completions' (it connects to no database)");
    CHECK_ONE_LINE_ERROR(cli({"dev", "status", "--sync-db", db.sync_url()}), 2,
                         "--sync-db does not apply to 'dev status'");
    CHECK(sync_count(db, "true") == 0);
}
