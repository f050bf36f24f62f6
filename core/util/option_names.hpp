// The options of the front end that a message of the library points the
// operator to ("pass --wait to queue"). The library does not spell them:
// cli/ names them once at start, before any thread, and a message says
// option_name(Option::wait). Unnamed, an option is called by its own words
// ("wait"), as a library test sees it.
#pragma once

#include <cstddef>
#include <map>
#include <string>

namespace mana {

enum class Option {
    since,
    until,
    check,
    dry_run,
    min_age,
    max_lag,
    wait,
    pooled_session_ok,
    if_exists,
    format,
    no_bootstrap,
    dir, // the last
};
constexpr std::size_t option_count = static_cast<std::size_t>(Option::dir) + 1;

// Names the given options; the others keep their names.
void name_options(const std::map<Option, std::string>& names);

std::string option_name(Option option);

} // namespace mana
