// mana-auth-man-pages DIR DATE: writes mana-auth.1 and one page per command
// (mana-auth-reconcile.1, ...) into DIR, from the command line the binary
// parses with (define_app) and the footers of its --help, so that a page
// cannot say what --help does not. Build tooling: not installed.
#include "common.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

namespace {

using namespace mana::cli;

// Text as roff prints it: backslashes and hyphens escaped, and no line
// that roff would read as a request.
std::string roff(const std::string& text) {
    std::string out;
    bool line_start = true;
    for (const char c : text) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        if (c == '\\')
            out += "\\e";
        else if (c == '-')
            out += "\\-";
        else
            out += c;
        line_start = c == '\n';
    }
    return out;
}

std::string bold(const std::string& text) {
    return "\\fB" + roff(text) + "\\fR";
}
std::string italic(const std::string& text) {
    return "\\fI" + roff(text) + "\\fR";
}

std::string upper(std::string text) {
    for (auto& c : text)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

// A description as a sentence of its own.
std::string sentence(const std::string& text) {
    return roff(text) + (!text.empty() && text.back() == '.' ? "" : ".");
}

// The top's description starts "mana-auth: ", which NAME says already.
std::string without_name(const std::string& description) {
    const std::string prefix = "mana-auth: ";
    return description.rfind(prefix, 0) == 0 ? description.substr(prefix.size()) : description;
}

bool is_help(const CLI::App& app, const CLI::Option* option) {
    return option == app.get_help_ptr() || option == app.get_help_all_ptr();
}

// "--shard K" style: the names, then the value's type when it takes one.
std::string option_term(const CLI::Option& option) {
    if (option.get_positional()) return italic(option.get_name());
    std::string term;
    std::istringstream names(option.get_name(false, true));
    for (std::string name; std::getline(names, name, ',');)
        term += (term.empty() ? "" : ", ") + bold(name);
    if (option.get_type_size() > 0) {
        const auto type = option.get_type_name();
        term += " " + italic(type.substr(0, type.find(':')));
    }
    return term;
}

std::string option_text(const CLI::Option& option) {
    std::string text = option.get_description();
    const auto type = option.get_type_name();
    if (const auto colon = type.find(':'); colon != std::string::npos && !option.get_positional())
        text += "; " + type.substr(colon + 1);
    std::string excluded;
    for (const auto* other : option.get_excludes())
        excluded += (excluded.empty() ? "" : ", ") + other->get_name(false, true);
    if (!excluded.empty()) text += "; not with " + excluded;
    return roff(text);
}

// The options of command under headings of their groups: .SS for a page's
// own command, an italic line inside a command's .SS on a parent's page.
void write_options(std::ostream& page, const CLI::App& command, bool nested) {
    // Hidden options have no group; a command's help flags are on its parent's page.
    const auto shown = command.get_options([&](const CLI::Option* option) {
        return !option->get_group().empty() && !(nested && is_help(command, option));
    });
    std::vector<std::string> groups;
    for (const auto* option : shown) {
        if (std::find(groups.begin(), groups.end(), option->get_group()) == groups.end())
            groups.push_back(option->get_group());
    }
    for (const auto& group : groups) {
        page << (nested ? ".PP\n" + italic(group) + "\n" : ".SS " + roff(group) + "\n");
        for (const auto* option : shown) {
            if (option->get_group() == group)
                page << ".TP\n" << option_term(*option) << "\n" << option_text(*option) << "\n";
        }
    }
}

std::string synopsis(const std::string& path, const CLI::App& command) {
    std::string line = bold(path) + " [" + italic("OPTIONS") + "]";
    if (!subcommands_of(command).empty()) return line + " " + italic("COMMAND") + " ...";
    for (const auto* option : command.get_options()) {
        if (!option->get_positional()) continue;
        const auto name = italic(option->get_name());
        line += option->get_required() ? " " + name : " [" + name + "]";
    }
    return line;
}

void write_footer_sections(std::ostream& page, const HelpFooter& footer) {
    page << ".SH \"EXIT STATUS\"\n";
    for (const auto code : footer.exits)
        page << ".TP\n"
             << bold(std::to_string(static_cast<int>(code))) << "\n"
             << roff(exit_meaning(code)) << "\n";
    page << ".SH ENVIRONMENT\n";
    if (footer.environment.empty()) page << "None of its own.\n";
    for (const auto& name : footer.environment)
        page << ".TP\n" << bold(name) << "\n" << roff(environment_meaning(name)) << "\n";
    page << ".SH FILES\n";
    for (const auto& path : footer.files)
        page << ".TP\n" << italic(path) << "\n" << roff(file_meaning(path)) << "\n";
    if (!footer.metrics.empty()) {
        page << ".SH METRICS\n.PP\nWith " << bold("--metrics-file")
             << ", in the Prometheus text format, after every run:\n";
        for (const auto& family : footer.metrics)
            page << ".TP\n" << bold(family.name) << "\n" << roff(family.help) << "\n";
    }
    page << ".SH EXAMPLES\n.PP\n.nf\n.RS 4\n";
    std::istringstream lines(footer.examples);
    for (std::string line; std::getline(lines, line);)
        page << roff(line.substr(line.find_first_not_of(' '))) << "\n";
    page << ".RE\n.fi\n";
}

struct Page {
    std::string name; // mana-auth-reconcile
    std::string path; // mana-auth reconcile
    const CLI::App* command;
};

void write_page(const std::string& dir, const std::string& date, const Page& page,
                const std::vector<Page>& all) {
    const auto* footer = help_footer(*page.command);
    if (!footer) throw std::runtime_error(page.path + " has no help footer to make its page from");
    std::ofstream out(dir + "/" + page.name + ".1");
    out << ".\\\" Generated by mana-auth-man-pages from the command line's definition.\n"
        << ".TH " << roff(upper(page.name)) << " 1 \"" << date << "\" \"mana-auth "
        << MANA_AUTH_VERSION
        << "\" \"User Commands\"\n"
        // Ids and option names must not be hyphenated or spread.
        << ".nh\n.ad l\n"
        << ".SH NAME\n"
        << roff(page.name) << " \\- " << roff(without_name(page.command->get_description())) << "\n"
        << ".SH SYNOPSIS\n";
    const auto subcommands = subcommands_of(*page.command);
    if (subcommands.empty() || page.command->get_parent() == nullptr) {
        out << synopsis(page.path, *page.command) << "\n";
    } else {
        // A command that also runs without one of its own (catalog).
        if (page.command->get_require_subcommand_min() == 0)
            out << ".br\n" << bold(page.path) << " [" << italic("OPTIONS") << "]\n";
        for (const auto* sub : subcommands)
            out << ".br\n" << synopsis(page.path + " " + sub->get_name(), *sub) << "\n";
    }
    out << ".SH DESCRIPTION\n";
    std::istringstream paragraphs(footer->description);
    for (std::string paragraph; std::getline(paragraphs, paragraph);) {
        if (!paragraph.empty()) out << ".PP\n" << roff(paragraph) << "\n";
    }
    if (page.command->get_parent() == nullptr) {
        out << ".SH COMMANDS\n";
        for (const auto& other : all) {
            if (other.command == page.command) continue;
            out << ".TP\n"
                << bold(other.command->get_name()) << "\n"
                << roff(other.command->get_description()) << "; see " << bold(other.name)
                << "(1).\n";
        }
    }
    out << ".SH OPTIONS\n";
    write_options(out, *page.command, false);
    if (page.command->get_parent() != nullptr) {
        for (const auto* sub : subcommands) {
            out << ".SS \"" << roff(page.path + " " + sub->get_name()) << "\"\n"
                << sentence(sub->get_description()) << "\n";
            write_options(out, *sub, true);
        }
    }
    write_footer_sections(out, *footer);
    out << ".SH \"SEE ALSO\"\n";
    std::string see_also;
    for (const auto& other : all) {
        if (other.command == page.command) continue;
        see_also +=
            (see_also.empty() ? "" : ",\n") + std::string(".BR ") + roff(other.name) + " (1)";
    }
    out << see_also << "\n";
    if (!out) throw std::runtime_error("cannot write " + dir + "/" + page.name + ".1");
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: mana-auth-man-pages DIR DATE\n";
        return 2;
    }
    try {
        CLI::App app;
        Context ctx;
        define_app(app, ctx);
        std::vector<Page> pages{{"mana-auth", "mana-auth", &app}};
        for (const auto* command : subcommands_of(app))
            pages.push_back(
                {"mana-auth-" + command->get_name(), "mana-auth " + command->get_name(), command});
        for (const auto& page : pages)
            write_page(argv[1], argv[2], page, pages);
    } catch (const std::exception& e) {
        std::cerr << "mana-auth-man-pages: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
