// Connection poolers between the tool and a server (PgBouncer and the like).
// A pooler in transaction or statement mode hands a client's server session
// to other clients between its transactions: what a command keeps in its
// session (temporary tables, session advisory locks, settings) would then
// be another client's, or gone, and its answer wrong. Commands that keep
// session state refuse such a connection by name before they read or
// write; what holds only transaction-scoped state works through any pool
// that runs transactions.
#pragma once

#include "pg/db.hpp"

#include <string>

namespace mana {

// Throws Error(failure), before anything is read or written, unless db
// keeps one server session from start to end: reached directly, or through
// a pooler the operator declares session-pooled (session_pool_declared,
// --pooled-session-ok), which must then pass a probe: two transactions in
// one server session, which a second client does not share. what_needs_it:
// "reconcile keeps temporary tables and locks in its server session".
void require_own_session(Database& db, const std::string& what_needs_it,
                         bool session_pool_declared);

// What a pooler in front of a database means for the commands, for doctor.
std::string pooler_consequence();

} // namespace mana
