// `mana-auth doctor`: whether both databases are reachable and fit for the
// tool, as a list of checks.
#pragma once

#include <string>
#include <vector>

namespace mana {

enum class CheckStatus { ok, warn, fail }; // in rising severity

struct Check {
    std::string name;
    CheckStatus status;
    std::string detail;
};

std::vector<Check> run_doctor(const std::string& auth_conninfo, const std::string& sync_conninfo);

const char* check_status_name(CheckStatus status);

} // namespace mana
