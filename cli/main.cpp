// mana-auth: builds the command line, runs the chosen command, and turns
// every error into one line on stderr and an exit code (SPEC §4).
#include "common.hpp"
#include "logging.hpp"
#include "secrets.hpp"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

namespace {

using namespace mana;
using namespace mana::cli;

void report_error(const Context& ctx, Exit code, const std::string& message) {
    std::cerr << "mana-auth: " << scrub(message) << std::endl;
    if (ctx.global.json) {
        emit_json({{"ok", false}, {"error", message}, {"exit_code", static_cast<int>(code)}});
    }
}

// Before anything can print: the parser's own errors echo arguments, and a
// connection string may stand anywhere on the command line or in the
// environment (a URL pasted in the wrong place, PGPASSWORD, a password given
// with the refused --password).
void register_startup_secrets(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        register_connection_secrets(arg);
        if (arg == "--password" && i + 1 < argc) register_secret(argv[i + 1]);
        if (arg.rfind("--password=", 0) == 0) register_secret(arg.substr(11));
    }
    for (char** entry = environ; *entry; ++entry) {
        const std::string variable = *entry;
        const auto equals = variable.find('=');
        if (equals == std::string::npos) continue;
        const auto name = variable.substr(0, equals), value = variable.substr(equals + 1);
        if (name == "PGPASSWORD" || name == "MANA_AUTH_PASSWORD") register_secret(value);
        register_connection_secrets(value);
    }
}

} // namespace

int main(int argc, char** argv) {
    // libpq defaults an operator can still override in the connection string.
    setenv("PGCONNECT_TIMEOUT", "10", 0);
    setenv("PGAPPNAME", "mana-auth", 0);
    register_startup_secrets(argc, argv);

    CLI::App app{"mana-auth: register users and converge their sync singletons (userContext, "
                 "kontextDoc) between a Better Auth database and the sync change log.",
                 "mana-auth"};
    app.set_version_flag("--version", "mana-auth " MANA_AUTH_VERSION);
    app.require_subcommand(1);
    app.fallthrough();
    app.get_formatter()->column_width(34);

    Context ctx;
    // Connection options live on the commands only: on both, the top's
    // environment default would overwrite a command's --auth-db.
    add_shared_options(app, ctx.global, false);
    set_register_command(app, ctx);
    set_bootstrap_command(app, ctx);
    set_reconcile_command(app, ctx);
    set_doctor_command(app, ctx);
    set_dev_command(app, ctx);
    set_completions_command(app, ctx);
    set_examples(
        app, "  eval \"$(mana-auth dev up)\"                  # local databases for development\n"
             "  mana-auth register --from founders.jsonl     # users from a file\n"
             "  mana-auth reconcile --all --check            # exit 10 when anything is missing\n"
             "  mana-auth <command> --help                   # a command's options\n");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        report_error(ctx, Exit::usage, std::string(e.what()) + " (see mana-auth --help)");
        return static_cast<int>(Exit::usage);
    }

    configure_logging(ctx.global.quiet ? "error" : ctx.global.log_level,
                      ctx.global.log_format == "json" ? LogFormat::json : LogFormat::text);
    try {
        return static_cast<int>(ctx.action());
    } catch (const Error& e) {
        report_error(ctx, e.code(), e.what());
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        report_error(ctx, Exit::failure, std::string("internal error: ") + e.what());
        return static_cast<int>(Exit::failure);
    }
}
