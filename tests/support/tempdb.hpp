// A throwaway pair of databases (auth and sync) on the real PostgreSQL
// server named by the PG* environment (pg_virtualenv sets it), created from
// sql/ and dropped afterwards unless MANA_AUTH_KEEP_TEST_DB is set: only
// their lifetime and how to reach them. Seeding is in seed.hpp, queries and
// assertions in database_checks.hpp.
#pragma once

#include "process.hpp"

#include <memory>
#include <nlohmann/json.hpp>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace mana::test {

// A login role that is neither superuser nor BYPASSRLS: row-level security
// binds it.
constexpr const char* plain_role = "mana_rls_tester";
constexpr const char* plain_role_password = "rls-tester-pw";

class TempDatabases {
  public:
    TempDatabases();
    ~TempDatabases();
    TempDatabases(const TempDatabases&) = delete;
    TempDatabases& operator=(const TempDatabases&) = delete;

    const std::string& auth_name() const { return auth_name_; }
    const std::string& sync_name() const { return sync_name_; }

    // Connection strings for mana-auth (host, port and superuser from PG*).
    std::string auth_url() const { return "dbname=" + auth_name_; }
    std::string sync_url() const { return "dbname=" + sync_name_; }
    std::string sync_url_plain() const;

    // DATABASE_URL and SYNC_DATABASE_URL for a child process.
    EnvChanges env(bool plain_sync_role = false) const;

    // Superuser connections for setting up and asserting.
    pqxx::connection& auth() { return *auth_; }
    pqxx::connection& sync() { return *sync_; }

  private:
    std::string auth_name_;
    std::string sync_name_;
    std::unique_ptr<pqxx::connection> auth_;
    std::unique_ptr<pqxx::connection> sync_;
};

// The admin connection string (PG* environment, database postgres).
std::string admin_conninfo();

} // namespace mana::test
