// One configuration for the timers and for hands (issue 32): the file the
// systemd units read is read by every command, below options and the
// environment.
#include "checks.hpp"
#include "database_checks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

#include <string>

using namespace mana::test;

namespace {

// The environment of a test with nothing of its own but the file named.
EnvChanges only_the_file(const std::string& path) {
    return {{"DATABASE_URL", std::nullopt},      {"SYNC_DATABASE_URL", std::nullopt},
            {"PGDATABASE", std::nullopt},        {"PGSERVICE", std::nullopt},
            {"MANA_AUTH_CATALOG", std::nullopt}, {"MANA_AUTH_CONFIG", path}};
}

const std::string unreachable = "postgresql://nobody@127.0.0.1:1/none";

} // namespace

TEST_CASE("the configuration file gives what neither an option nor the environment gives") {
    TempDatabases db;
    add_users_with_spaces(db, 2);
    const TempFile config("mana-auth.env", "# the databases\nDATABASE_URL=" + db.auth_url() +
                                               "\nSYNC_DATABASE_URL = \"" + db.sync_url() + "\"\n");
    const auto check = [&](const std::vector<std::string>& args, const EnvChanges& env) {
        auto command = args;
        command.insert(command.begin(), {"reconcile", "--all", "--check", "--json"});
        return cli(command, env);
    };
    // Named by MANA_AUTH_CONFIG, or by --config.
    const auto by_variable = check({}, only_the_file(config.path()));
    INFO(by_variable.err);
    CHECK(by_variable.exit_code == 10);
    CHECK(json_out(by_variable)["users"]["missing"] == 2);
    auto none = only_the_file(config.path());
    none.erase("MANA_AUTH_CONFIG");
    CHECK(check({"--config", config.path()}, none).exit_code == 10);
    // The environment wins over the file, an option over both.
    auto env = only_the_file(config.path());
    env["DATABASE_URL"] = unreachable;
    CHECK_ONE_LINE_ERROR(check({}, env), 1, "auth database");
    CHECK(check({"--auth-db", db.auth_url()}, env).exit_code == 10);
    // An empty variable counts as unset.
    env["DATABASE_URL"] = "";
    CHECK(check({}, env).exit_code == 10);
    // Without the file, the message says where the setting may go.
    CHECK_ONE_LINE_ERROR(check({}, only_the_file("")), 2,
                         "no auth database: pass --auth-db URL or set DATABASE_URL (in the "
                         "environment or /etc/mana-auth/mana-auth.env)");
    CHECK(sync_count(db, "true") == 0);

    // libpq's own variables in it too, below the environment's: a sync
    // database read-only by default refuses a writing run.
    const TempFile read_only(
        "read-only.env", "DATABASE_URL=" + db.auth_url() + "\nSYNC_DATABASE_URL=" + db.sync_url() +
                             "\nPGOPTIONS='-c default_transaction_read_only=on'\n");
    auto pg_env = only_the_file(read_only.path());
    pg_env["PGOPTIONS"] = std::nullopt;
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all"}, pg_env), 1, "is read-only");
    CHECK(sync_count(db, "true") == 0);
    pg_env["PGOPTIONS"] = "-c application_name=by-hand";
    const auto wrote = cli({"reconcile", "--all"}, pg_env);
    INFO(wrote.err);
    CHECK(wrote.exit_code == 0);
    check_exactly_once(db);
}

TEST_CASE("the catalog in force: --catalog, else the environment's, else the file's, else the "
          "built-in one") {
    const auto builtin = json_out(cli({"catalog", "--json"}))["catalog"];
    std::vector<std::unique_ptr<TempFile>> catalogs;
    for (const auto* name : {"catalog-file.json", "catalog-env.json", "catalog-flag.json"})
        catalogs.push_back(std::make_unique<TempFile>(name, builtin.dump(), 0644));
    const auto& [in_file, in_env, in_flag] =
        std::tie(catalogs[0]->path(), catalogs[1]->path(), catalogs[2]->path());
    const TempFile config("catalog.env", "MANA_AUTH_CATALOG=" + in_file + "\n");
    const auto source = [&](const std::vector<std::string>& args, const EnvChanges& env) {
        auto command = args;
        command.insert(command.begin(), {"catalog", "--json"});
        const auto result = cli(command, env);
        INFO(result.err);
        CHECK(result.exit_code == 0);
        return json_out(result)["source"].get<std::string>();
    };
    auto env = only_the_file("/dev/null");
    CHECK(source({}, env) == "built-in");
    env["MANA_AUTH_CONFIG"] = config.path();
    CHECK(source({}, env) == in_file);
    env["MANA_AUTH_CATALOG"] = in_env;
    CHECK(source({}, env) == in_env);
    CHECK(source({"--catalog", in_flag}, env) == in_flag);
    CHECK(source({"--config", config.path(), "--catalog", in_flag}, only_the_file("")) == in_flag);
}

TEST_CASE("a configuration file that cannot be read or is no KEY=VALUE lines is exit 2 naming "
          "it, and one that others may change, or read with a password in it, is warned of") {
    const auto missing = temp_path("no-such.env");
    CHECK_ONE_LINE_ERROR(cli({"catalog", "--config", missing}), 2,
                         "configuration " + missing +
                             ": cannot be read (No such file or directory)");
    CHECK_ONE_LINE_ERROR(cli({"doctor"}, only_the_file(missing)), 2, "configuration " + missing);
    const TempFile malformed("malformed.env", "# ok\nDATABASE_URL postgresql://h/db\n");
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all"}, only_the_file(malformed.path())), 2,
                         "configuration " + malformed.path() + ":2: not KEY=VALUE");
    // Commands that connect to nothing take no configuration.
    CHECK_ONE_LINE_ERROR(cli({"completions", "bash", "--config", malformed.path()}), 2,
                         "--config does not apply to 'completions'");

    const std::string secret = "s3cret-in-the-file";
    const std::string text = "DATABASE_URL=postgresql://nobody:" + secret + "@127.0.0.1:1/none\n";
    for (const auto& [mode, warning] : std::vector<std::pair<mode_t, std::string>>{
             {0600, ""},
             {0640, ""},
             {0644, "readable by every user and holds a password; chmod o-r"},
             {0660, "writable by its group"},
             {0602, "writable by every user"}}) {
        INFO("mode " << std::oct << mode);
        const TempFile config("mode.env", text, mode);
        const auto result = cli({"catalog"}, only_the_file(config.path()));
        CHECK(result.exit_code == 0);
        if (warning.empty())
            CHECK(result.err.empty());
        else
            CHECK_THAT(result.err, Catch::Contains(config.path() + ": " + warning));
        // The password stays out of every line, a failed connection's too.
        const auto failed =
            cli({"reconcile", "--all", "--check", "--json", "--sync-db", unreachable},
                only_the_file(config.path()));
        CHECK(failed.exit_code == 1);
        CHECK(failed.err.find(secret) == std::string::npos);
        CHECK(failed.out.find(secret) == std::string::npos);
    }
}

TEST_CASE("with no URL anywhere, PGSERVICE or PGDATABASE names the auth database as libpq would, "
          "and the sync database is named apart") {
    TempDatabases db;
    add_users_with_spaces(db, 2);
    const TempFile services("pg_service.conf", "[mana-auth]\ndbname=" + db.auth_name() +
                                                   "\n[mana-sync]\ndbname=" + db.sync_name() +
                                                   "\n");
    auto env = only_the_file("");
    env["PGSERVICEFILE"] = services.path();
    env["PGSERVICE"] = "mana-auth";
    const auto check = [&](const EnvChanges& with) {
        return cli({"reconcile", "--all", "--check", "--json"}, with);
    };
    // libpq's variables would name the auth database for the sync one too.
    CHECK_ONE_LINE_ERROR(check(env), 2,
                         "no sync database: pass --sync-db URL or set SYNC_DATABASE_URL "
                         "(PGSERVICE=mana-auth names the auth database only; a service: "
                         "SYNC_DATABASE_URL=service=NAME)");
    env["SYNC_DATABASE_URL"] = "service=mana-sync";
    const auto by_service = check(env);
    INFO(by_service.err);
    CHECK(by_service.exit_code == 10);
    CHECK(json_out(by_service)["users"]["missing"] == 2);
    // An option still wins over libpq's defaults.
    CHECK_ONE_LINE_ERROR(cli({"reconcile", "--all", "--check", "--auth-db", unreachable}, env), 1,
                         "check --auth-db or DATABASE_URL");
    // A service that is not there is named, with where the choice came from.
    auto missing = env;
    missing["PGSERVICE"] = "no-such-service";
    CHECK_ONE_LINE_ERROR(check(missing), 1, "auth database (libpq's defaults): cannot connect: ");
    CHECK_THAT(check(missing).err,
               Catch::Contains("chosen by PGSERVICE=no-such-service as no --auth-db or "
                               "DATABASE_URL is set: check it"));
    CHECK(sync_count(db, "true") == 0);

    // PGDATABASE names one too; doctor shows what libpq chose.
    auto by_name = only_the_file("");
    by_name["PGDATABASE"] = db.auth_name();
    by_name["SYNC_DATABASE_URL"] = db.sync_url();
    const auto doctor = cli({"doctor", "--json"}, by_name);
    INFO(doctor.err);
    CHECK(doctor.exit_code == 0);
    CHECK_THAT(doctor.out, Catch::Contains("at libpq's defaults: dbname=" + db.auth_name()));

    // The same from the configuration file, timers and hands alike.
    const TempFile config("services.env", "PGSERVICEFILE=" + services.path() +
                                              "\nPGSERVICE=mana-auth\nSYNC_DATABASE_URL=service="
                                              "mana-sync\n");
    const auto wrote = cli({"reconcile", "--all"}, only_the_file(config.path()));
    INFO(wrote.err);
    CHECK(wrote.exit_code == 0);
    check_exactly_once(db);
}
