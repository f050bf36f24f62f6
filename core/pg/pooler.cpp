#include "pg/pooler.hpp"

#include "util/error.hpp"
#include "util/option_names.hpp"

#include <spdlog/spdlog.h>

namespace mana {
namespace {

std::string session_pool_fix() {
    return "connect directly to the server, or through a session-mode pool and pass " +
           option_name(Option::pooled_session_ok);
}

// A session pool keeps one server session per client: this client's two
// transactions run in the same one, and a second client, connected
// meanwhile, gets another. A transaction pool with an idle server reuses the
// one just released (PgBouncer's default, server_round_robin = 0), so the
// second client lands in this client's session.
void probe_session_pool(Database& db) {
    const int first = db.server_pid_in_transaction();
    auto other = db.another();
    const int others = other.server_pid_in_transaction();
    const int second = db.server_pid_in_transaction();
    spdlog::debug("{}: session pool probe: server processes {}, {} (another client), {}",
                  db.label(), first, others, second);
    if (first == second && others != first) return;
    throw failure(db.named() + ": " + option_name(Option::pooled_session_ok) +
                  ", but the pooler does not keep this connection in one "
                  "server session (its transactions ran in server processes " +
                  std::to_string(first) + " and " + std::to_string(second) +
                  ", another client's in " + std::to_string(others) +
                  "): it is not a session pool; " + session_pool_fix());
}

} // namespace

void require_own_session(Database& db, const std::string& what_needs_it,
                         bool session_pool_declared) {
    if (!db.through_pooler()) return;
    if (session_pool_declared) {
        probe_session_pool(db);
        return;
    }
    throw failure(db.named() + ": reached through a connection pooler; " + what_needs_it +
                  ", which a transaction or statement pool gives to other clients between "
                  "transactions: " +
                  session_pool_fix());
}

std::string pooler_consequence() {
    return "reached through a connection pooler: bootstrap and register work through a session "
           "or transaction pool, reconcile refuses it unless given " +
           option_name(Option::pooled_session_ok) +
           " for a session pool, and a statement pool runs no transaction at all";
}

} // namespace mana
