// mana-auth: builds the command line, runs the chosen command, and turns
// every error into one line on stderr and an exit code (SPEC §4).
#include "common.hpp"
#include "util/logging.hpp"
#include "util/secrets.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <spdlog/spdlog.h>
#include <sstream>
#include <unistd.h>
#include <vector>

namespace {

using namespace mana;
using namespace mana::cli;

// The command the arguments name, as far as they name one ("bootstrap
// user"), and a word that stands where a command is expected but is none.
struct CommandPath {
    std::string path;
    std::string unknown;
    // The first option that no command of the path so far has, and that
    // path: the parser's complaint is about it, whatever it says.
    std::string unknown_option;
    std::string option_path;
};

// The top and the commands parsed below it, down to the one that runs.
std::vector<const CLI::App*> parsed_chain(const CLI::App& top) {
    std::vector<const CLI::App*> chain{&top};
    while (!chain.back()->get_subcommands().empty())
        chain.push_back(chain.back()->get_subcommands().front());
    return chain;
}

CommandPath command_path(const CLI::App& top, int argc, char** argv) {
    CommandPath found;
    const CLI::App* current = &top;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--") break;
        if (arg.size() > 1 && arg[0] == '-') {
            const auto name = arg.substr(0, arg.find('='));
            const CLI::Option* option = nullptr;
            for (auto* app = current; app && !option; app = app->get_parent())
                option = app->get_option_no_throw(name);
            if (!option && found.unknown_option.empty()) {
                found.unknown_option = name;
                found.option_path = found.path;
            }
            // An option's value may be the next argument: not a command.
            if (option && option->get_items_expected_min() > 0 && name == arg) ++i;
            continue;
        }
        const auto subcommands = subcommands_of(*current);
        if (subcommands.empty()) break; // the command's own arguments
        const auto sub = std::find_if(subcommands.begin(), subcommands.end(),
                                      [&](const CLI::App* s) { return s->check_name(arg); });
        if (sub == subcommands.end()) {
            found.unknown = arg;
            break;
        }
        found.path += " " + arg;
        current = *sub;
    }
    return found;
}

std::vector<std::string> names_of(const std::vector<const CLI::App*>& commands) {
    std::vector<std::string> names;
    for (const auto* command : commands)
        names.push_back(command->get_name());
    return names;
}

// The command a path of names leads to (" bootstrap user").
const CLI::App& command_at(const CLI::App& top, const std::string& path) {
    const CLI::App* app = &top;
    std::istringstream words(path);
    for (std::string word; words >> word;)
        app = app->get_subcommand(word);
    return *app;
}

// The parser's complaint about a missing or unknown command, as an
// operator would say it: what is wrong and which commands there are.
std::string command_error(const CLI::App& top, const CommandPath& at,
                          const std::string& parser_message) {
    const bool missing = parser_message.rfind("A subcommand is required", 0) == 0;
    if (at.unknown.empty() && !missing) return parser_message;
    const auto commands = names_of(subcommands_of(command_at(top, at.path)));
    const auto names = join(commands);
    const auto prefix = at.path.empty() ? std::string() : at.path.substr(1) + " ";
    if (at.unknown.empty()) {
        return (at.path.empty() ? std::string("a command is required")
                                : "'" + at.path.substr(1) + "' needs a command") +
               " (" + names + ")";
    }
    const auto meant = closest_match(at.unknown, commands);
    return "unknown command '" + prefix + at.unknown + "' (commands: " + names + ")" +
           (meant ? ": did you mean '" + prefix + *meant + "'?" : "");
}

// An option that no command of its path has, named with the command, and
// the option of that path most likely meant.
std::string option_error(const CLI::App& top, const CommandPath& at) {
    std::vector<std::string> options;
    for (const auto* app = &command_at(top, at.option_path); app; app = app->get_parent()) {
        for (const auto* o : app->get_options()) {
            for (const auto& name : o->get_lnames())
                options.push_back("--" + name);
        }
    }
    const auto meant = closest_match(at.unknown_option, options);
    return "unknown option '" + at.unknown_option + "'" +
           (at.option_path.empty() ? "" : " for '" + at.option_path.substr(1) + "'") +
           (meant ? ": did you mean " + *meant + "?" : "");
}

// CLI11 says "--a excludes --b" of options declared to exclude each other;
// the rule is about both.
std::string exclusion_error(const std::string& parser_message) {
    const std::string excludes = " excludes ";
    const auto at = parser_message.find(excludes);
    if (at == std::string::npos) return parser_message;
    return parser_message.substr(0, at) + " and " + parser_message.substr(at + excludes.size()) +
           " exclude each other: give one, not both";
}

LogStyle log_style(const Context& ctx) {
    return {ctx.global.log_format == "json" ? LogFormat::json : LogFormat::text,
            is_journal_stream(STDERR_FILENO, std::getenv("JOURNAL_STREAM"))};
}

// The final error line: on stderr in the log's format, and the JSON
// document when --json asked for one. A usage error points at the help of
// the command it is about.
void report_error(const Context& ctx, Exit code, std::string message, const CommandPath& command) {
    if (code == Exit::usage) message += " (see mana-auth" + command.path + " --help)";
    const auto style = log_style(ctx);
    if (style.format == LogFormat::json || style.journal)
        std::cerr << log_line(style, "error", message, {{"exitCode", static_cast<int>(code)}})
                  << std::endl;
    else
        std::cerr << "mana-auth: " << scrub(message) << std::endl;
    if (ctx.global.json) {
        emit_json({{"ok", false}, {"error", message}, {"exitCode", static_cast<int>(code)}});
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
        register_variable_secrets(variable.substr(0, equals), variable.substr(equals + 1));
    }
}

// The global options that take a value may stand before the command or
// after it, but only once: which of two database URLs an operator meant is
// not the tool's guess. Before the command, they must be ones the command
// takes (dev and completions connect to nothing). An error message, or
// nothing when the options are fine.
std::optional<std::string> global_option_error(const CLI::App& top, const CommandPath& path) {
    const auto chain = parsed_chain(top);
    const auto& command = *chain.back();
    // The top's options that take a value are the global ones that do.
    for (const auto* global :
         top.get_options([](const CLI::Option* o) { return o->get_type_size() > 0; })) {
        const auto name = global->get_name();
        std::size_t given = 0;
        for (const auto* app : chain) {
            if (const auto* option = app->get_option_no_throw(name)) given += option->count();
        }
        if (given > 1) {
            return name + " is given " + std::to_string(given) +
                   " times: give it once, before the command or after it";
        }
        if (given == 1 && !command.get_option_no_throw(name)) {
            return name + " does not apply to '" + path.path.substr(1) +
                   "' (it connects to no database)";
        }
    }
    return std::nullopt;
}

// Whether --json stands among the options: when the parser fails, it may
// not have come to the flag yet (a bad value before it).
bool json_given(int argc, char** argv) {
    for (int i = 1; i < argc && std::string(argv[i]) != "--"; ++i) {
        if (std::string(argv[i]) == "--json") return true;
    }
    return false;
}

// Parses the command line into ctx: an exit code when that ends the run
// (help, version, a usage error).
std::optional<int> parse(CLI::App& app, Context& ctx, const CommandPath& command, int argc,
                         char** argv) {
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ExcludesError& e) {
        ctx.global.json = json_given(argc, argv);
        report_error(ctx, Exit::usage, exclusion_error(e.what()), command);
        return static_cast<int>(Exit::usage);
    } catch (const CLI::ParseError& e) {
        ctx.global.json = json_given(argc, argv);
        report_error(ctx, Exit::usage,
                     command.unknown_option.empty() ? command_error(app, command, e.what())
                                                    : option_error(app, command),
                     command);
        return static_cast<int>(Exit::usage);
    }
    if (const auto error = global_option_error(app, command)) {
        report_error(ctx, Exit::usage, *error, command);
        return static_cast<int>(Exit::usage);
    }
    return std::nullopt;
}

int run_command_line(int argc, char** argv) {
    register_startup_secrets(argc, argv);

    CLI::App app;
    Context ctx;
    define_app(app, ctx);

    const auto command = command_path(app, argc, argv);
    if (const auto done = parse(app, ctx, command, argc, argv)) return *done;
    // ps and /proc/PID/cmdline show every user of the machine the process's
    // own argv; the parser has its copy, so the connection passwords in the
    // original are blanked now, as the MySQL client's are.
    bool blanked = false;
    for (int i = 1; i < argc; ++i)
        blanked = blank_connection_passwords(argv[i]) || blanked;

    configure_logging(ctx.global.quiet ? "error" : ctx.global.log_level, log_style(ctx));
    if (blanked) {
        spdlog::warn("a connection password on the command line is visible to other users of "
                     "this machine until it is blanked: keep it in ~/.pgpass (PGPASSFILE), "
                     "PGPASSWORD or a service file instead");
    }
    try {
        // The configuration is read by the commands that take --config;
        // libpq defaults below it, which an operator can still override
        // there, in the environment or in the connection string.
        if (parsed_chain(app).back()->get_option_no_throw("--config")) load_configuration(ctx);
        setenv("PGCONNECT_TIMEOUT", "10", 0);
        setenv("PGAPPNAME", "mana-auth", 0);
        return static_cast<int>(ctx.action());
    } catch (const ErrorBase& e) {
        report_error(ctx, e.code(), e.what(), command);
        return static_cast<int>(e.code());
    } catch (const std::exception& e) {
        report_error(ctx, Exit::failure, std::string("internal error: ") + e.what(), command);
        return static_cast<int>(Exit::failure);
    }
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run_command_line(argc, argv);
    } catch (const std::exception& e) {
        // Before the command's own reporting is in place (defining the
        // command line, logging): one line all the same, never a terminate.
        std::fprintf(stderr, "mana-auth: internal error: %s\n", e.what());
    } catch (...) {
        std::fprintf(stderr, "mana-auth: internal error\n");
    }
    return static_cast<int>(Exit::failure);
}
