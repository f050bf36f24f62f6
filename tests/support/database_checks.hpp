// What the integration tests check and wait for on the databases
// themselves: every singleton exactly once, and the moment to kill a run.
#pragma once

#include "tempdb.hpp"

#include <optional>
#include <string>

namespace mana::test {

// No singleton written twice.
void check_no_doubles(TempDatabases& db);

// Every singleton exactly once: one userContext per live user, one
// kontextDoc per Space with a live member, none twice.
void check_exactly_once(TempDatabases& db);

// Waits for the moment to kill a run begun at started (a sync_clock()):
// without a target, once the run has a session on the sync database
// (loading ids); with one, once sync_changes holds target rows.
void await_kill_moment(TempDatabases& db, const std::string& started,
                       std::optional<long long> target);

} // namespace mana::test
