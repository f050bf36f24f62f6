#include "util/option_names.hpp"

namespace mana {
namespace {

std::map<Option, std::string> given_names;

// An option's own words, which a new Option must be given here (-Wswitch).
const char* own_words(Option option) {
    switch (option) {
    case Option::since:
        return "since";
    case Option::until:
        return "until";
    case Option::check:
        return "check";
    case Option::dry_run:
        return "dry run";
    case Option::min_age:
        return "min age";
    case Option::max_lag:
        return "max lag";
    case Option::wait:
        return "wait";
    case Option::pooled_session_ok:
        return "pooled session ok";
    case Option::if_exists:
        return "if exists";
    case Option::format:
        return "format";
    case Option::no_bootstrap:
        return "no bootstrap";
    case Option::dir:
        return "dir";
    }
    return "";
}

} // namespace

void name_options(const std::map<Option, std::string>& names) {
    for (const auto& [option, name] : names)
        given_names[option] = name;
}

std::string option_name(Option option) {
    const auto given = given_names.find(option);
    return given != given_names.end() ? given->second : own_words(option);
}

} // namespace mana
