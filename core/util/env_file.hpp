// The configuration that the systemd units and the commands run by hand
// share: a file of KEY=VALUE lines, as systemd's EnvironmentFile= reads it.
#pragma once

#include <string>
#include <vector>

namespace mana {

struct EnvAssignment {
    std::string key;
    std::string value;
};

// The assignments of an environment file's text, in order. Blank lines and
// lines whose first character (after blanks) is # or ; are comments;
// blanks around the = and the value are dropped; in a value without
// quotes a backslash takes the next character as it is; one in double
// quotes keeps its blanks and takes \" \\ \$ \` as the characters; one in
// single quotes is taken as written. Throws a usage error "NAME:LINE: why" for a
// line that is not an assignment of a variable name, an unclosed quote, or
// a line that ends in a backslash (systemd joins it with the next; put the
// value on one line).
std::vector<EnvAssignment> parse_env_file(const std::string& text, const std::string& name);

} // namespace mana
