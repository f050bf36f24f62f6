#include "util/option_names.hpp"

#include <array>

namespace mana {
namespace {

std::array<std::string, option_count> names_in_use = {
    "since",     "until",   "check",        "dry run",
    "min age",   "max lag", "wait",         "pooled session ok",
    "if exists", "format",  "no bootstrap", "dir"};

} // namespace

void name_options(const std::map<Option, std::string>& given) {
    for (const auto& [option, name] : given)
        names_in_use.at(static_cast<std::size_t>(option)) = name;
}

const std::string& option_name(Option option) {
    return names_in_use.at(static_cast<std::size_t>(option));
}

} // namespace mana
