#include "common.hpp"

#include "pg/schema.hpp"
#include "util/secrets.hpp"

#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <map>
#include <optional>
#include <unistd.h>

namespace mana::cli {
namespace {

const char* environment_name(DbRole role) {
    return role == DbRole::auth ? "DATABASE_URL" : "SYNC_DATABASE_URL";
}
const char* database_option(DbRole role) {
    return role == DbRole::auth ? "--auth-db" : "--sync-db";
}

Database open(DbRole role, const std::string& given) {
    const auto choice = choose_database(role, given);
    Database db(choice.role, choice.conninfo, choice.where_to_look);
    require_schema(db);
    return db;
}

bool non_empty_env(const char* name) {
    const char* value = std::getenv(name);
    return value && *value;
}

// The libpq variable that names a database, "PGSERVICE=mana-auth", when one
// does. PGHOST alone leaves the database to the user's name, no choice of
// the auth database, so it is not enough.
std::optional<std::string> libpq_database_variable() {
    for (const char* name : {"PGSERVICE", "PGDATABASE"})
        if (non_empty_env(name)) return std::string(name) + "=" + std::getenv(name);
    return std::nullopt;
}

} // namespace

DatabaseChoice choose_database(DbRole role, const std::string& given) {
    const std::string named_by =
        std::string(database_option(role)) + " or " + environment_name(role);
    if (!given.empty()) return {role, given, "check " + named_by};
    if (non_empty_env(environment_name(role)))
        return {role, std::getenv(environment_name(role)), "check " + named_by};
    const auto variable = libpq_database_variable();
    // libpq's variables would name the auth database for the sync one too:
    // the sync database is always named apart, if only as service=NAME.
    if (role == DbRole::auth && variable)
        return {role, "", "chosen by " + *variable + " as no " + named_by + " is set: check it"};
    const std::string only_auth =
        role == DbRole::sync && variable
            ? " (" + *variable +
                  " names the auth database only; a service: " + environment_name(role) +
                  "=service=NAME)"
            : "";
    throw usage_error(std::string("no ") + db_label(role) + ": pass " + database_option(role) +
                      " URL or set " + environment_name(role) + only_auth + " (" +
                      where_settings_go() + ")");
}

ConnectAttempt try_open(const DatabaseChoice& choice) {
    return try_connect(choice.role, choice.conninfo, choice.where_to_look);
}

Database open_auth(const Context& ctx) {
    return open(DbRole::auth, ctx.global.auth_db);
}
Database open_sync(const Context& ctx) {
    return open(DbRole::sync, ctx.global.sync_db);
}
std::pair<Database, Database> open_both(const Context& ctx) {
    auto auth = open_auth(ctx);
    return {std::move(auth), open_sync(ctx)};
}

const char* outcome_text(Outcome outcome) {
    switch (outcome) {
    case Outcome::written:
        return "written";
    case Outcome::present:
        return "already there";
    case Outcome::would_write:
        return "missing (dry run: not written)";
    }
    return "?";
}

std::string outcome_token(const std::optional<Outcome>& outcome) {
    if (!outcome) return "notWritten";
    return *outcome == Outcome::written ? "written" : "present";
}

std::string failure_line(const ItemFailure& failure) {
    return failure.item + ": " + failure.error;
}

void say(const Context& ctx, const std::string& line) {
    if (ctx.global.json || ctx.global.quiet) return;
    std::cout << scrub(line) << '\n';
}

void emit_json(const nlohmann::json& document) {
    std::cout << scrub(document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace))
              << std::endl;
}

std::string paint(const Context& ctx, const std::string& text, const char* ansi_colour) {
    // no-color.org: NO_COLOR counts when it is set and not empty.
    static const bool colour = stdout_is_terminal() && !non_empty_env("NO_COLOR");
    if (!colour || ctx.global.json) return text;
    return std::string("\033[") + ansi_colour + "m" + text + "\033[0m";
}

bool stderr_is_terminal() {
    return isatty(STDERR_FILENO) != 0;
}

bool stdout_is_terminal() {
    return isatty(STDOUT_FILENO) != 0;
}

std::unique_ptr<AtomicFile> create_output_file(const char* option, const std::string& path,
                                               mode_t mode) {
    try {
        return std::make_unique<AtomicFile>(path, mode);
    } catch (const Error& e) {
        throw usage_error(std::string(option) + " " + path + ": " + e.what());
    }
}

// A repeated value option is refused by main with one message wherever the
// two stand, so the parser keeps both instead of failing on its own.
constexpr auto repeat_checked_by_main = CLI::MultiOptionPolicy::TakeLast;

Catalog catalog_in_force(const Context& ctx) {
    if (!ctx.global.catalog.empty()) return read_catalog_file(ctx.global.catalog);
    if (non_empty_env("MANA_AUTH_CATALOG"))
        return read_catalog_file(std::getenv("MANA_AUTH_CATALOG"));
    return builtin_catalog();
}

void add_catalog_option(CLI::App& command, GlobalOptions& g) {
    command
        .add_option("--config", g.config,
                    std::string("The configuration, KEY=VALUE lines as the systemd units read them "
                                "(default: $MANA_AUTH_CONFIG, else ") +
                        default_configuration_file + ")")
        ->type_name("FILE")
        ->multi_option_policy(repeat_checked_by_main)
        ->group(connection_group);
    command
        .add_option("--catalog", g.catalog,
                    "The singleton kinds to write, a JSON file (default: $MANA_AUTH_CATALOG, "
                    "else the built-in ones)")
        ->type_name("FILE")
        ->multi_option_policy(repeat_checked_by_main)
        ->group(behaviour_group);
}

void add_shared_options(CLI::App& command, GlobalOptions& g, bool connects) {
    if (connects) {
        add_catalog_option(command, g);
        // The environment is read when connecting (choose_database): an
        // envname on options of several commands would let one command's
        // default overwrite another's given value.
        command
            .add_option("--auth-db", g.auth_db,
                        "Auth database, libpq URL or key=value (default: $DATABASE_URL)")
            ->type_name("URL")
            ->multi_option_policy(repeat_checked_by_main)
            ->group(connection_group);
        command
            .add_option("--sync-db", g.sync_db,
                        "Sync database, libpq URL or key=value (default: $SYNC_DATABASE_URL)")
            ->type_name("URL")
            ->multi_option_policy(repeat_checked_by_main)
            ->group(connection_group);
    }
    command.add_flag("--json", g.json, "Print one JSON document on stdout")->group(output_group);
    command.add_flag("-q,--quiet", g.quiet, "Print only errors")->group(output_group);
    command.add_option("--log-level", g.log_level, "Log level on stderr (default: info)")
        ->type_name("LEVEL")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
        ->multi_option_policy(repeat_checked_by_main)
        ->group(output_group);
    command.add_option("--log-format", g.log_format, "Log format on stderr (default: text)")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"text", "json"}))
        ->multi_option_policy(repeat_checked_by_main)
        ->group(output_group);
}

const std::vector<std::string> connection_environment = {
    "DATABASE_URL",      "SYNC_DATABASE_URL", "PG*",     "PGCONNECT_TIMEOUT",
    "MANA_AUTH_CATALOG", "MANA_AUTH_CONFIG",  "NO_COLOR"};
// (Defined after connection_environment in this file: initialised after it.)
const std::vector<std::string> registration_environment = [] {
    auto names = connection_environment;
    names.push_back("MANA_AUTH_PASSWORD");
    return names;
}();
const std::vector<std::string> connection_files = {"~/.pgpass", "~/.pg_service.conf",
                                                   "/etc/mana-auth/mana-auth.env"};

const char* exit_meaning(Exit code) {
    switch (code) {
    case Exit::ok:
        return "done, or converged";
    case Exit::failure:
        return "failure (a database, the schema, a privilege, every row failed)";
    case Exit::usage:
        return "usage error (a bad option, a missing setting, an unreadable file)";
    case Exit::partial:
        return "partial: some items failed, the rest are done";
    case Exit::not_found:
        return "the user or Space was not found";
    case Exit::already_exists:
        return "already exists (--if-exists error), or the user is soft-deleted";
    case Exit::locked:
        return "another reconcile holds the lock (--wait queues instead)";
    case Exit::max_writes:
        return "refused by --max-writes: more would have been written, nothing was";
    case Exit::password_mismatch:
        return "the password does not match the user's credential";
    case Exit::drift:
        return "drift: something is missing (--check, --dry-run)";
    case Exit::interrupted:
        return "stopped by SIGINT (Ctrl-C) after the current step";
    case Exit::terminated:
        return "stopped by SIGTERM after the current step";
    }
    return "";
}

const char* environment_meaning(const std::string& name) {
    static const std::map<std::string, const char*> meanings = {
        {"DATABASE_URL", "the auth database when --auth-db is not given (else libpq's "
                         "defaults, if PGSERVICE or PGDATABASE is set)"},
        {"SYNC_DATABASE_URL", "the sync database when --sync-db is not given"},
        {"PG*",
         "libpq's own: PGHOST, PGUSER, PGPASSFILE, PGSERVICE, PGSSLMODE, PGSSLROOTCERT, ..."},
        {"PGCONNECT_TIMEOUT", "seconds to wait for a connection (default here: 10)"},
        {"MANA_AUTH_PASSWORD",
         "the new user's password (else --password-stdin, a file, the prompt)"},
        {"NO_COLOR", "set and not empty: no colour on a terminal"},
        {"MANA_AUTH_CATALOG", "the singleton catalog when --catalog is not given (default: the "
                              "built-in one)"},
        {"MANA_AUTH_CONFIG", "the configuration file when --config is not given (default: "
                             "/etc/mana-auth/mana-auth.env)"},
    };
    return meanings.at(name);
}

const char* file_meaning(const std::string& path) {
    static const std::map<std::string, const char*> meanings = {
        {"~/.pgpass", "connection passwords, read by libpq (PGPASSFILE names another file)"},
        {"~/.pg_service.conf", "connection services for service=NAME, read by libpq "
                               "(PGSERVICEFILE names another file)"},
        {"/etc/mana-auth/mana-auth.env",
         "the configuration (DATABASE_URL, SYNC_DATABASE_URL, ...) of the package's systemd units "
         "and of every command, below options and the environment (--config names another)"},
        {"/run/mana-auth/mana_auth.prom",
         "the metrics mana-auth-reconcile.service writes (--metrics-file)"},
        {"/run/mana-auth/mana_auth_since.prom",
         "the metrics mana-auth-reconcile-since.service writes (--metrics-file)"},
        {"./.mana-dev", "the development cluster's data and settings (--dir)"},
        {"/usr/share/bash-completion/completions/mana-auth", "the bash script, as packaged"},
        {"/usr/share/zsh/vendor-completions/_mana-auth", "the zsh script, as packaged"},
        {"/usr/share/fish/vendor_completions.d/mana-auth.fish", "the fish script, as packaged"},
    };
    return meanings.at(path);
}

std::vector<const CLI::App*> subcommands_of(const CLI::App& app) {
    return app.get_subcommands([](const CLI::App*) { return true; });
}

namespace {

std::map<const CLI::App*, HelpFooter>& footers() {
    static std::map<const CLI::App*, HelpFooter> by_command;
    return by_command;
}

} // namespace

void set_help_footer(CLI::App& command, const HelpFooter& footer) {
    footers()[&command] = footer;
    std::string text = "\nExamples:\n" + footer.examples + "\nExit status:\n";
    for (const auto code : footer.exits)
        text += fmt::format("  {:<4} {}\n", static_cast<int>(code), exit_meaning(code));
    if (!footer.environment.empty()) text += "\nEnvironment:\n";
    for (const auto& name : footer.environment)
        text += fmt::format("  {:<19} {}\n", name, environment_meaning(name));
    if (!footer.files.empty()) text += "\nFiles:\n";
    for (const auto& path : footer.files)
        text += fmt::format("  {}\n      {}\n", path, file_meaning(path));
    command.footer(text);
}

const HelpFooter* help_footer(const CLI::App& command) {
    const auto found = footers().find(&command);
    return found == footers().end() ? nullptr : &found->second;
}

} // namespace mana::cli
