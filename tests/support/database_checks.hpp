// What the integration tests read, check and wait for on the databases
// themselves (as superuser): queries and counts, every singleton exactly
// once, and the moment to kill a run.
#pragma once

#include "tempdb.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mana::test {

// `reconcile --all --json ARGS` on db (the sync role bound by row-level
// security when plain_sync_role): checks that it exits `expected` and
// returns its JSON document.
nlohmann::json reconcile_json(TempDatabases& db, std::vector<std::string> args = {}, int expected = 0,
                              bool plain_sync_role = false);

// A reconcile's JSON document made comparable with another strategy's or
// another moment's: its samples sorted (each strategy has its order), and
// its moments (the oldest missing, since, seconds) checked and taken out.
void comparable_answer(nlohmann::json& doc);

pqxx::result sync_query(TempDatabases& db, const std::string& sql);
pqxx::result auth_query(TempDatabases& db, const std::string& sql);
long long sync_count(TempDatabases& db, const std::string& where);
// The id of the one user with that email.
std::string user_id_of(TempDatabases& db, const std::string& email);
long long auth_count(TempDatabases& db, const std::string& table,
                     const std::string& where = "true");
// Sessions of mana-auth (its application_name) on the sync database that
// began after `since` (a server timestamp from sync_clock()): how a test
// sees that a run it started is at work there, not a killed one's leftover.
std::string sync_clock(TempDatabases& db);
long long tool_sessions_on_sync(TempDatabases& db, const std::string& since);

// Sessions of mana-auth on the auth database that have waited for a lock
// for longer than the seconds given.
long long tool_lock_waits_on_auth(TempDatabases& db, int longer_than_seconds = 0);
// Advisory locks of every session on the sync database that match where
// (on pg_locks' columns).
long long sync_advisory_locks(TempDatabases& db, const std::string& where = "true");

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
