// What every subcommand shares: the global options, database connections
// and output (text for people on stdout, or one JSON document).
#pragma once

#include "jobs/metrics.hpp"
#include "pg/db.hpp"
#include "sync/catalog.hpp"
#include "sync/sync_log.hpp"
#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace mana::cli {

struct GlobalOptions {
    std::string auth_db;
    std::string sync_db;
    bool json = false;
    bool quiet = false;
    std::string log_level = "info";
    std::string log_format = "text";
    std::string catalog; // --catalog FILE
    std::string config;  // --config FILE
};

// The parsed command line: the global options and the chosen command,
// run once parsing (and logging set-up) is done.
struct Context {
    GlobalOptions global;
    std::function<Exit()> action;
};

// Option groups, shown under these headings in every command's --help.
constexpr const char* connection_group = "Connection";
constexpr const char* output_group = "Output";
constexpr const char* behaviour_group = "Behaviour";

// The configuration the systemd units read, which every command that
// connects (or shows the catalog) reads too.
constexpr const char* default_configuration_file = "/etc/mana-auth/mana-auth.env";
// Puts the file's variables into the environment where it does not set
// them already (an option, then the environment, then the file), their
// passwords kept from the output; warns of a file that others may change,
// or read while it holds a password. A default file that is not there is
// no error; a named file that cannot be read, or one that is not KEY=VALUE
// lines, is a usage error.
void load_configuration(const Context& ctx);
// Where a setting the run lacks may be given: "in the environment or FILE",
// and why FILE could not be read, when it could not.
std::string where_settings_go();

// A database to connect to: its connection string, and what a failure to
// connect adds ("check --auth-db or DATABASE_URL").
struct DatabaseChoice {
    DbRole role;
    std::string conninfo;
    std::string where_to_look;
};
// The option's value, else the environment's (DATABASE_URL,
// SYNC_DATABASE_URL), else, for the auth database, libpq's defaults ("")
// when PGSERVICE or PGDATABASE names a database; else a usage error naming
// the option and the variable.
DatabaseChoice choose_database(DbRole role, const std::string& given);
// A connection the command goes on without (doctor, a registration's sync
// database): try_connect, its failure pointing at where the choice came from.
ConnectAttempt try_open(const DatabaseChoice& choice);

// The catalog in force: --catalog's file, else MANA_AUTH_CATALOG's, else
// the built-in one; a file that is not a catalog is a usage error.
Catalog catalog_in_force(const Context& ctx);

// Connects, and refuses a database whose schema is not the one the tool
// works on (a usage error when no connection string is given).
Database open_auth(const Context& ctx);
Database open_sync(const Context& ctx);
// Both, auth first.
std::pair<Database, Database> open_both(const Context& ctx);

// A singleton's outcome for people ("already there"), and as register's
// JSON and text name it ("written", "present", "notWritten" for none).
const char* outcome_text(Outcome outcome);
std::string outcome_token(const std::optional<Outcome>& outcome);

// "item: error", as text and JSON list a failure.
std::string failure_line(const ItemFailure& failure);

// Text lines for people, unless --json or --quiet.
void say(const Context& ctx, const std::string& line);
// The one JSON document of --json.
void emit_json(const nlohmann::json& document);
// Colour codes when stdout is a terminal and NO_COLOR is unset.
std::string paint(const Context& ctx, const std::string& text, const char* ansi_colour);
constexpr const char* green = "32";
constexpr const char* yellow = "33";
constexpr const char* red = "31";

// Whether stderr is a terminal (progress bars, prompts).
bool stderr_is_terminal();
// Whether stdout is a terminal (the same one as the progress, as a rule).
bool stdout_is_terminal();

// The file an option writes (--rejects, --out), made at once: a path it
// cannot be made at is a usage Error naming the option, before anything is
// read.
std::unique_ptr<AtomicFile> create_output_file(const char* option, const std::string& path,
                                               mode_t mode);

// The connection, catalog and output options, on a command of their own so
// that its --help lists them and they may follow the command's name.
void add_shared_options(CLI::App& command, GlobalOptions& global, bool connects);
// --catalog and --config, for a command that does not connect but shows
// the catalog.
void add_catalog_option(CLI::App& command, GlobalOptions& global);

// The foot of a command's --help, which its man page is made from too:
// examples, the exit codes it returns, the environment it reads and the
// files it uses (names from the tables in common.cpp).
struct HelpFooter {
    std::string examples;
    std::vector<Exit> exits;
    std::vector<std::string> environment;
    std::vector<std::string> files;
    // The man page's DESCRIPTION, one paragraph a line; --help
    // keeps to the one-line purpose.
    std::string description = "";
    // The metrics the command writes (reconcile's): the page's METRICS.
    std::vector<MetricFamily> metrics = {};
};
void set_help_footer(CLI::App& command, const HelpFooter& footer);
// The footer given to command, or nullptr.
const HelpFooter* help_footer(const CLI::App& command);
// What the footer's names mean, as --help and the man pages explain them.
const char* exit_meaning(Exit code);
const char* environment_meaning(const std::string& name);
const char* file_meaning(const std::string& path);

// What every command that connects reads from the environment, and what
// register (and the top's help) reads besides; the files every command that
// connects may read.
extern const std::vector<std::string> connection_environment;
extern const std::vector<std::string> registration_environment;
extern const std::vector<std::string> connection_files;

// Every command of app, parsed or not (CLI11's get_subcommands() without a
// filter gives only the parsed ones).
std::vector<const CLI::App*> subcommands_of(const CLI::App& app);

// The whole command line into app, its parsed values into ctx.
void define_app(CLI::App& app, Context& ctx);

void set_register_command(CLI::App& app, Context& ctx);
void set_bootstrap_command(CLI::App& app, Context& ctx);
void set_reconcile_command(CLI::App& app, Context& ctx);
void set_doctor_command(CLI::App& app, Context& ctx);
void set_catalog_command(CLI::App& app, Context& ctx);
void set_dev_command(CLI::App& app, Context& ctx);
void set_completions_command(CLI::App& app, Context& ctx);
void set_verify_password_command(CLI::App& app, Context& ctx);
void set_export_command(CLI::App& app, Context& ctx);

} // namespace mana::cli
