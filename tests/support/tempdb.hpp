// A throwaway pair of databases (auth and sync) on the real PostgreSQL
// server named by the PG* environment (pg_virtualenv sets it), created from
// sql/ and dropped afterwards unless MANA_AUTH_KEEP_TEST_DB is set.
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

    // Set-up helpers. minutes_ago orders memberships and users.
    void add_user(const std::string& id, const std::string& email, bool deleted = false);
    void add_space(const std::string& id, const std::string& slug,
                   const std::string& type = "personal");
    void add_member(const std::string& space_id, const std::string& user_id,
                    const std::string& role, int minutes_ago = 0);
    // A row as a web client would push it.
    void add_sync_row(const std::string& table_name, const std::string& record_id,
                      const std::string& user_id, const std::string& space_id = "",
                      const std::string& app_id = "app");

    // n users u1..un, each owning its personal Space s1..sn.
    void add_users_with_spaces(long long n);

    // Queries on the sync or auth database as superuser.
    pqxx::result sync_query(const std::string& sql);
    pqxx::result auth_query(const std::string& sql);
    long long sync_count(const std::string& where);
    long long auth_count(const std::string& table, const std::string& where = "true");
    // Sessions of mana-auth (its application_name) on the sync database that
    // began after `since` (a server timestamp from sync_clock()): how a test
    // sees that a run it started is at work there, not a killed one's leftover.
    std::string sync_clock();
    long long tool_sessions_on_sync(const std::string& since);

  private:
    std::string auth_name_;
    std::string sync_name_;
    std::unique_ptr<pqxx::connection> auth_;
    std::unique_ptr<pqxx::connection> sync_;
};

// The admin connection string (PG* environment, database postgres).
std::string admin_conninfo();

} // namespace mana::test
