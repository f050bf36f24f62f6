// Connections to the auth and sync databases. Every database call goes
// through Database::run or Database::transact, so that any failure reaches
// the operator as one line naming the database, never as a raw exception.
#pragma once

#include "util/conninfo.hpp"
#include "util/error.hpp"

#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <type_traits>
#include <vector>

namespace mana {

class Database {
  public:
    // Connects, or throws an Error naming the database (password masked).
    Database(DbRole role, const std::string& conninfo);

    // A second connection to the same database.
    Database another() const { return Database(role_, conninfo_); }

    DbRole role() const { return role_; }
    const char* label() const { return db_label(role_); }
    pqxx::connection& conn() { return *conn_; }

    // f(connection), with database errors turned into mana::Error.
    template <class F>
    auto run(F&& f) -> decltype(f(std::declval<pqxx::connection&>())) {
        try {
            return f(*conn_);
        } catch (...) {
            rethrow_as_error();
        }
    }

    // f(transaction) in one transaction, committed when f returns.
    template <class F>
    auto transact(F&& f) {
        return run([&](pqxx::connection& c) {
            pqxx::work tx{c};
            if constexpr (std::is_void_v<decltype(f(tx))>) {
                f(tx);
                tx.commit();
            } else {
                auto result = f(tx);
                tx.commit();
                return result;
            }
        });
    }

    // Whether row-level security binds this connection's role on the sync
    // database's sync_changes, as PostgreSQL decides it.
    bool bound_by_rls();

    // "PostgreSQL 15.18"
    std::string server_version();

    // Whether a connection pooler stands between this connection and the
    // server: the backend key libpq got when it connected is then the
    // pooler's (PgBouncer makes one up for each client, in every pool
    // mode), not the process id of the server session that answers.
    bool through_pooler() const { return through_pooler_; }

    // The process id of the server session that runs a transaction.
    int server_pid_in_transaction();

    // How a refusal names this connection: "auth database (its connection
    // string, password masked)".
    std::string named() const;

  private:
    [[noreturn]] void rethrow_as_error() const;
    // The error of a connection that broke.
    Fatal lost(const std::string& what) const;
    void require_transactions();

    DbRole role_;
    std::string conninfo_;
    std::unique_ptr<pqxx::connection> conn_;
    bool through_pooler_ = false;
};

// Scopes a sync transaction as the sync service does: row-level security
// then shows and accepts the rows of user_id, and shows those of the Spaces
// in space_ids (comma-separated). Transaction-local.
void scope_to_user(pqxx::transaction_base& tx, const std::string& user_id,
                   const std::string& space_ids = "");

// A text[] literal for one query parameter (libpqxx 6 has no array binding).
std::string pg_text_array(const std::vector<std::string>& items);

} // namespace mana
