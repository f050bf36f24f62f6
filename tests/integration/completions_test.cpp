// Completions, help and man pages: every command and option the CLI has is
// in each completion script and in its man page, each script works in its
// real shell, and every command's --help has a purpose, grouped options and
// examples.
#include "checks.hpp"
#include "common.hpp"
#include "util/option_names.hpp"

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

using namespace mana::test;

namespace {

const std::string completions_dir = MANA_SOURCE_DIR "/completions";
const std::vector<std::string> scripts = {completions_dir + "/mana-auth.bash",
                                          completions_dir + "/_mana-auth",
                                          completions_dir + "/mana-auth.fish"};

// Every command path, from the "Subcommands:" sections of --help.
std::vector<std::vector<std::string>> command_paths(std::vector<std::string> path = {}) {
    std::vector<std::vector<std::string>> paths{path};
    auto args = path;
    args.push_back("--help");
    const auto help = cli(args).out;
    const auto section = help.find("Subcommands:");
    if (section == std::string::npos) return paths;
    std::istringstream lines(help.substr(section));
    std::string line;
    std::getline(lines, line);
    const std::regex entry("^  ([a-z][a-z-]*) .*");
    std::smatch m;
    while (std::getline(lines, line) && std::regex_match(line, m, entry)) {
        auto child = path;
        child.push_back(m[1]);
        for (auto& p : command_paths(child))
            paths.push_back(p);
    }
    return paths;
}

std::set<std::string> options_in_help(const std::vector<std::string>& path) {
    auto args = path;
    args.push_back("--help");
    const auto help = cli(args).out;
    std::set<std::string> options;
    const std::regex option("(^|[ ,])(--?[a-z][a-z-]*)");
    std::istringstream lines(help);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("  -", 0) != 0) continue; // option lines start "  -"
        const auto names = line.substr(0, line.find(' ', 2));
        for (std::sregex_iterator it(names.begin(), names.end(), option), end; it != end; ++it) {
            options.insert((*it)[2]);
        }
    }
    return options;
}

bool mentions(const std::string& script, const std::string& option) {
    // bash and zsh write options whole; fish as "-l name" / "-s q".
    if (script.find(option) != std::string::npos) return true;
    if (option.rfind("--", 0) == 0)
        return script.find("-l " + option.substr(2)) != std::string::npos;
    return script.find("-s " + option.substr(1)) != std::string::npos;
}

} // namespace

TEST_CASE("every command and option of the CLI is in each completion script") {
    const auto paths = command_paths();
    REQUIRE(paths.size() == 18); // the top, 9 commands, bootstrap's 2, dev's 5, catalog's check
    for (const auto& file : scripts) {
        const auto script = read_text(file);
        REQUIRE_FALSE(script.empty());
        for (const auto& path : paths) {
            for (const auto& word : path) {
                INFO(file << ": command " << word);
                CHECK(script.find(word) != std::string::npos);
            }
            for (const auto& option : options_in_help(path)) {
                if (option == "-h") continue; // CLI11's short help flag
                INFO(file << ": option " << option);
                CHECK(mentions(script, option));
            }
        }
    }
}

// The library's messages name the options they point to as cli/ calls them
// ("pass --wait to queue"): each such name is an option of a command.
TEST_CASE("every option a message of the library names is an option of the command line") {
    CLI::App app;
    mana::cli::Context ctx;
    mana::cli::define_app(app, ctx);
    std::set<std::string> options;
    std::vector<const CLI::App*> commands{&app};
    while (!commands.empty()) {
        const auto* command = commands.back();
        commands.pop_back();
        for (const auto* option : command->get_options())
            for (const auto& name : option->get_lnames())
                options.insert("--" + name);
        for (const auto* sub : command->get_subcommands({}))
            commands.push_back(sub);
    }
    for (std::size_t i = 0; i < mana::option_count; ++i) {
        const auto& name = mana::option_name(static_cast<mana::Option>(i));
        INFO(name);
        CHECK(options.count(name) == 1);
    }
}

TEST_CASE("the completions command prints the scripts of completions/") {
    CHECK(cli({"completions", "bash"}).out == read_text(scripts[0]));
    CHECK(cli({"completions", "zsh"}).out == read_text(scripts[1]));
    CHECK(cli({"completions", "fish"}).out == read_text(scripts[2]));
    CHECK_ONE_LINE_ERROR(cli({"completions", "tcsh"}), 2, "SHELL");
}

TEST_CASE("bash completes from the script") {
    const auto result = run({"bash", "-c",
                             "source '" + scripts[0] +
                                 "'; COMP_WORDS=(mana-auth register --tier fo); "
                                 "COMP_CWORD=3; _mana_auth; echo \"${COMPREPLY[*]}\"; "
                                 "COMP_WORDS=(mana-auth reconcile --al); COMP_CWORD=2; _mana_auth; "
                                 "echo \"${COMPREPLY[*]}\"; "
                                 // Global options before the command.
                                 "COMP_WORDS=(mana-auth --sync-d); COMP_CWORD=1; _mana_auth; "
                                 "echo \"${COMPREPLY[*]}\"; "
                                 "COMP_WORDS=(mana-auth --auth-db dbname=a rec); COMP_CWORD=3; "
                                 "_mana_auth; echo \"${COMPREPLY[*]}\""});
    CHECK(result.out == "founder\n--all\n--sync-db\nreconcile\n");
}

TEST_CASE("zsh completes from the script") {
    const auto result = run({"zsh", MANA_SOURCE_DIR "/tests/completions/zsh_complete.zsh",
                             completions_dir, "mana-auth reconcile --al"});
    INFO(result.err);
    CHECK(result.out == "MATCH:--all\n");
    const auto values = run({"zsh", MANA_SOURCE_DIR "/tests/completions/zsh_complete.zsh",
                             completions_dir, "mana-auth register --if-exists s"});
    INFO(values.err);
    CHECK(values.out == "MATCH:skip\n");
    const auto before_command = run({"zsh", MANA_SOURCE_DIR "/tests/completions/zsh_complete.zsh",
                                     completions_dir, "mana-auth --auth-db dbname=a rec"});
    INFO(before_command.err);
    CHECK(before_command.out == "MATCH:reconcile\n");
}

TEST_CASE("fish completes from the script") {
    const auto result = run({"fish", "-c",
                             "source '" + scripts[2] +
                                 "'; complete -C 'mana-auth bootstrap us'; "
                                 "complete -C 'mana-auth register --kind p'; "
                                 "complete -C 'mana-auth --auth-db x rec'"});
    CHECK(result.out == "user\tA user and its Spaces\npersona\tKind\n"
                        "reconcile\tConverge every user and Space\n");
}

TEST_CASE("the help of commands that connect names their exit codes and environment") {
    const auto reconcile = cli({"reconcile", "--help"});
    for (const auto* line :
         {"  6    another reconcile holds the lock", "  10   drift: something is missing",
          "  143  stopped by SIGTERM", "Environment:\n  DATABASE_URL", "  SYNC_DATABASE_URL",
          "  NO_COLOR            set and not empty"}) {
        CHECK_THAT(reconcile.out, Catch::Contains(line));
    }
    const auto register_help = cli({"register", "--help"});
    CHECK_THAT(register_help.out, Catch::Contains("  5    already exists"));
    CHECK_THAT(register_help.out, Catch::Contains("  MANA_AUTH_PASSWORD"));
    CHECK_THAT(cli({"bootstrap", "user", "--help"}).out,
               Catch::Contains("  4    the user or Space"));
}

TEST_CASE("every command's help has a purpose and grouped options and examples") {
    for (const auto& path : command_paths()) {
        auto args = path;
        args.push_back("--help");
        const auto help = cli(args);
        INFO(help.out);
        CHECK(help.exit_code == 0);
        CHECK(help.out.find("Usage: mana-auth") != std::string::npos);
        CHECK(help.out.rfind("Usage:", 0) != 0); // a purpose line comes first (except the top's)
        CHECK(help.out.find("Options:") != std::string::npos);
        if (help.out.find("Subcommands:") == std::string::npos) { // leaf commands
            CHECK(help.out.find("Output:") != std::string::npos);
            CHECK(help.out.find("Examples:") != std::string::npos);
            // The sections a man page is made from.
            CHECK(help.out.find("Exit status:\n  0    done") != std::string::npos);
            CHECK(help.out.find("  2    usage error") != std::string::npos);
        }
    }
}

TEST_CASE("every command's man page renders cleanly with the man sections and all its options") {
    const std::vector<std::string> sections = {"NAME",    "SYNOPSIS",    "DESCRIPTION",
                                               "OPTIONS", "EXIT STATUS", "ENVIRONMENT",
                                               "FILES",   "EXAMPLES",    "SEE ALSO"};
    const auto paths = command_paths();
    std::size_t pages = 0;
    for (const auto& page_path : paths) {
        if (page_path.size() > 1) continue; // a command's commands are on its page
        const auto name =
            page_path.empty() ? std::string("mana-auth") : "mana-auth-" + page_path[0];
        const auto page = run({"man", "--warnings", "-l", MANA_MAN_DIR "/" + name + ".1.gz"},
                              {{"LC_ALL", "C.UTF-8"}, {"MANWIDTH", "200"}});
        INFO(name << "\n" << page.out << page.err);
        CHECK(page.exit_code == 0);
        CHECK(page.err.empty()); // groff's warnings
        for (const auto& section : sections)
            CHECK(page.out.find("\n" + section + "\n") != std::string::npos);
        for (const auto& path : paths) {
            // The top's page has the top's options; a command's, its own
            // and those of its commands.
            const bool on_page =
                page_path.empty() ? path.empty() : !path.empty() && path[0] == page_path[0];
            if (!on_page) continue;
            for (const auto& option : options_in_help(path)) {
                INFO("option " << option << " of '" << path.size() << "' words");
                CHECK(page.out.find(option) != std::string::npos);
            }
            if (path.size() > page_path.size())
                CHECK(page.out.find("mana-auth " + path[0] + " " + path[1]) != std::string::npos);
        }
        ++pages;
    }
    CHECK(pages == 10); // the top and its 9 commands
}

namespace {

// The text of a man page's section, up to the next one.
std::string man_section(const std::string& page, const std::string& name) {
    const auto start = page.find("\n" + name + "\n");
    if (start == std::string::npos) return "";
    const auto body = start + name.size() + 2;
    const std::regex next_heading("\n[A-Z][A-Z ]+\n");
    std::smatch next;
    const auto rest = page.substr(body);
    return std::regex_search(rest, next, next_heading) ? rest.substr(0, next.position()) : rest;
}

std::string rendered_page(const std::string& name) {
    return run({"man", "-l", MANA_MAN_DIR "/" + name + ".1.gz"},
               {{"LC_ALL", "C.UTF-8"}, {"MANWIDTH", "200"}})
        .out;
}

} // namespace

TEST_CASE("each man page describes its command in paragraphs, and reconcile's lists its metrics") {
    for (const auto* name :
         {"mana-auth", "mana-auth-register", "mana-auth-bootstrap", "mana-auth-reconcile",
          "mana-auth-doctor", "mana-auth-catalog", "mana-auth-dev", "mana-auth-completions"}) {
        const auto description = man_section(rendered_page(name), "DESCRIPTION");
        INFO(name << ":\n" << description);
        // More than the one-line purpose: what it does, and how.
        CHECK(std::count(description.begin(), description.end(), '.') >= 2);
        CHECK(description.size() > 200);
    }
    const auto metrics = man_section(rendered_page("mana-auth-reconcile"), "METRICS");
    INFO(metrics);
    for (const auto& family : mana::reconcile_metric_families())
        CHECK(metrics.find(family.name) != std::string::npos);
}

TEST_CASE("the crontab that reconcile's help shows is the README's, line for line") {
    std::ifstream in(MANA_SOURCE_DIR "/README.md");
    std::stringstream readme;
    readme << in.rdbuf();
    std::istringstream help(cli({"reconcile", "--help"}).out);
    int cron_lines = 0;
    for (std::string line; std::getline(help, line);) {
        if (!std::regex_search(line, std::regex(R"(^  [0-9*]+ [0-9*]+ \* \* \* )"))) continue;
        INFO(line);
        CHECK(readme.str().find("\n" + line.substr(2) + "\n") != std::string::npos);
        ++cron_lines;
    }
    CHECK(cron_lines == 2);
}

TEST_CASE("an option's value is named for what it is, in --help and on the man page") {
    const auto help = cli({"reconcile", "--help"});
    const auto page = rendered_page("mana-auth-reconcile");
    for (const auto* term :
         {"--auth-db URL", "--sync-db URL", "--since WHEN", "--until WHEN", "--min-age DURATION",
          "--max-writes N|P%", "--max-rate ROWS_PER_SECOND", "--shard K/N", "--metrics-file FILE",
          "--config FILE", "--log-level LEVEL"}) {
        INFO(term);
        CHECK(help.out.find(term) != std::string::npos);
        CHECK(page.find(term) != std::string::npos);
    }
    // No option left with the parser's word for any string.
    for (const auto& path : command_paths()) {
        auto args = path;
        args.push_back("--help");
        const auto text = cli(args).out;
        INFO(text);
        CHECK_FALSE(std::regex_search(text, std::regex("--[a-z-]+ TEXT")));
    }
}
