#include "util/env_file.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <cctype>
#include <functional>
#include <sstream>

namespace mana {
namespace {

bool is_variable_name(const std::string& key) {
    if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) return false;
    for (const char c : key) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    return true;
}

// The value between quotes, or why it is not one.
std::string unquoted(const std::string& value,
                     const std::function<Error(const std::string&)>& bad) {
    const char quote = value[0];
    std::string out;
    for (std::size_t i = 1; i < value.size(); ++i) {
        const char c = value[i];
        if (c == quote) {
            if (i + 1 != value.size()) throw bad("text after the closing quote");
            return out;
        }
        if (quote == '"' && c == '\\' && i + 1 < value.size() &&
            std::string("\"\\$`").find(value[i + 1]) != std::string::npos) {
            out += value[++i];
            continue;
        }
        out += c;
    }
    throw bad("the quote is not closed on this line");
}

// A value without quotes: a backslash takes the next character as it is.
std::string unescaped(const std::string& value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i)
        out += value[i] == '\\' && i + 1 < value.size() ? value[++i] : value[i];
    return out;
}

} // namespace

std::vector<EnvAssignment> parse_env_file(const std::string& text, const std::string& name) {
    std::vector<EnvAssignment> assignments;
    std::istringstream lines(text);
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        const auto bad = [&](const std::string& why) {
            return usage_error(name + ":" + std::to_string(number) + ": " + why);
        };
        const auto content = trim(line);
        if (content.empty() || content[0] == '#' || content[0] == ';') continue;
        if (content.back() == '\\')
            throw bad("a line ending in a backslash continues on the next: put the value on one "
                      "line");
        const auto equals = content.find('=');
        if (equals == std::string::npos) throw bad("not KEY=VALUE");
        auto key = trim(content.substr(0, equals));
        if (!is_variable_name(key))
            throw bad("\"" + key + "\" is not a variable name (letters, digits and _)");
        auto value = trim(content.substr(equals + 1));
        value = !value.empty() && (value[0] == '"' || value[0] == '\'') ? unquoted(value, bad)
                                                                        : unescaped(value);
        assignments.push_back({std::move(key), std::move(value)});
    }
    return assignments;
}

} // namespace mana
