// Where a command's password comes from (register, verify-password): stdin,
// a file, MANA_AUTH_PASSWORD, else a prompt on a terminal — never argv.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

namespace mana::cli {

// For messages: the sources, as an operator gives them.
extern const char* const password_sources;

struct PasswordInput {
    bool from_stdin = false;
    std::optional<std::string> file;
    std::optional<std::string> on_argv; // refused: it shows in ps
};

// --password-stdin, --password-file FILE and the hidden --password, which
// is refused at run time (so that its value is never echoed as an
// unexpected argument).
void add_password_options(CLI::App& command, PasswordInput& input, const std::string& group);

// A usage Error, its value kept out of every line, when --password was
// given.
void refuse_password_on_argv(const PasswordInput& input);

// The password from the first source given, or none. The prompt, on a
// terminal, only when may_prompt; asked twice when confirm. The password is
// kept out of every line the tool prints.
std::optional<std::string> read_password(const PasswordInput& input, const std::string& prompt,
                                         bool may_prompt, bool confirm);

// A usage Error with the system's reason unless path is a file this
// process can read (a directory opens, and reads as empty).
void require_readable_file(const char* option, const std::string& path);

} // namespace mana::cli
