// Connections to the auth and sync databases. Every database call goes
// through Database::run or Database::transact (defined in pg/session.hpp,
// which code that speaks SQL includes), so that any failure reaches the
// operator as one line naming the database, never as a raw exception.
// This header knows nothing of libpqxx: cli/ and the library's API hold a
// Database without it. Its implementation is pg/session.cpp.
#pragma once

#include "util/conninfo.hpp"
#include "util/error.hpp"

#include <memory>
#include <optional>
#include <string>

namespace mana {

class Database {
  public:
    // Connects, or throws an Error naming the database (password masked).
    // where_to_look: what the caller adds to a failure to connect, as it
    // knows where the connection string came from ("check --auth-db or
    // DATABASE_URL").
    Database(DbRole role, const std::string& conninfo, std::string where_to_look = "");
    Database(Database&&) noexcept;
    Database& operator=(Database&&) noexcept;
    ~Database();

    // A second connection to the same database.
    Database another() const { return Database(role_, conninfo_, where_to_look_); }

    DbRole role() const { return role_; }
    const char* label() const { return db_label(role_); }

    // f(connection), with database errors turned into mana::Error.
    template <class F>
    auto run(F&& f);

    // f(transaction) in one transaction, committed when f returns.
    template <class F>
    auto transact(F&& f);

    // Whether row-level security binds this connection's role on the sync
    // database's sync_changes, as PostgreSQL decides it.
    bool bound_by_rls();

    // "PostgreSQL 15.18"
    std::string server_version();

    // Who this connection is, and where: for GRANTs and refusals.
    std::string role_name() const;
    std::string database_name() const;

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
    // Its connection string, password masked; for libpq's defaults (an
    // empty string), the database, host and port they chose.
    std::string shown() const;

  private:
    [[noreturn]] void rethrow_as_error() const;
    // The error of a connection that broke.
    Fatal lost(const std::string& what) const;
    void require_transactions();

    struct Connection; // libpqxx's, in pg/session.hpp

    DbRole role_;
    std::string conninfo_;
    std::string where_to_look_;
    std::unique_ptr<Connection> conn_;
    bool through_pooler_ = false;
};

// A connection the caller tried to open, for the commands that go on
// without it: doctor reports why there is none, a registration survives a
// sync database out of reach.
struct ConnectAttempt {
    std::unique_ptr<Database> db;     // none when it could not be opened
    std::optional<std::string> error; // why not
};

// Opens it (as Database's constructor does); the Error that refused it is
// held, not thrown.
ConnectAttempt try_connect(DbRole role, const std::string& conninfo,
                           const std::string& where_to_look = "");

} // namespace mana
