#include "password_input.hpp"

#include "signals.hpp"
#include "util/error.hpp"
#include "util/secrets.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace mana::cli {
namespace {

std::string without_line_end(std::string text) {
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
    return text;
}

std::string read_stream(std::istream& in) {
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

} // namespace

const char* const password_sources =
    "use --password-stdin, --password-file FILE, MANA_AUTH_PASSWORD, or the prompt on a terminal";

void add_password_options(CLI::App& command, PasswordInput& input, const std::string& group) {
    auto* from_stdin =
        command.add_flag("--password-stdin", input.from_stdin, "Read the password from stdin")
            ->group(group);
    command.add_option("--password-file", input.file, "Read the password from FILE")
        ->type_name("FILE")
        ->excludes(from_stdin)
        ->group(group);
    command
        .add_option("--password", input.on_argv,
                    "Refused: a password on the command line shows in ps")
        ->group("");
}

void refuse_password_on_argv(const PasswordInput& input) {
    if (!input.on_argv) return;
    register_secret(*input.on_argv);
    throw usage_error(std::string("a password on the command line is refused (it shows in ps): ") +
                      password_sources);
}

void require_readable_file(const char* option, const std::string& path) {
    struct stat status {};
    int error = stat(path.c_str(), &status) != 0 ? errno : 0;
    if (!error && S_ISDIR(status.st_mode)) error = EISDIR;
    if (!error && access(path.c_str(), R_OK) != 0) error = errno;
    if (error) {
        throw usage_error(std::string("cannot read ") + option + " " + path + ": " +
                          std::strerror(error));
    }
}

std::optional<std::string> read_password(const PasswordInput& input, const std::string& prompt,
                                         bool may_prompt, bool confirm) {
    std::optional<std::string> password;
    if (input.from_stdin) {
        password = without_line_end(read_stream(std::cin));
    } else if (input.file) {
        require_readable_file("--password-file", *input.file);
        std::ifstream file(*input.file, std::ios::binary);
        if (!file) throw usage_error("cannot read --password-file " + *input.file);
        password = without_line_end(read_stream(file));
    } else if (const char* env = std::getenv("MANA_AUTH_PASSWORD")) {
        password = env;
    } else if (may_prompt && isatty(STDIN_FILENO)) {
        const auto first = prompt_hidden(prompt);
        if (confirm && first != prompt_hidden("Again: "))
            throw usage_error("the passwords do not match");
        password = first;
    }
    if (password) register_secret(*password);
    return password;
}

} // namespace mana::cli
