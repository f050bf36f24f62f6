// `mana-auth doctor`: whether both databases are reachable and fit for the
// tool, as a list of checks.
#pragma once

#include "pg/db.hpp"
#include "sync/catalog.hpp"

#include <string>
#include <vector>

namespace mana {

enum class CheckStatus { ok, warn, fail }; // in rising severity

struct Check {
    std::string id; // for scripts: "auth.connection", "sync.indexes", ...
    std::string name;
    CheckStatus status;
    std::string detail;
};

// The caller's connections (try_connect): one that could not be opened is
// a failed check, and the other database is still examined. The rows tried
// are those of the catalog's kinds.
std::vector<Check> run_doctor(const ConnectAttempt& auth, const ConnectAttempt& sync,
                              const Catalog& catalog);

const char* check_status_name(CheckStatus status);

} // namespace mana
