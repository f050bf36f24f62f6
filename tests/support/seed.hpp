// Rows a test starts from, written as superuser into its TempDatabases.
#pragma once

#include "tempdb.hpp"

#include <string>

namespace mana::test {

// minutes_ago orders memberships and users.
void add_user(TempDatabases& db, const std::string& id, const std::string& email,
              bool deleted = false);
void add_space(TempDatabases& db, const std::string& id, const std::string& slug,
               const std::string& type = "personal");
void add_member(TempDatabases& db, const std::string& space_id, const std::string& user_id,
                const std::string& role, int minutes_ago = 0);
// A row as a web client would push it.
void add_sync_row(TempDatabases& db, const std::string& table_name, const std::string& record_id,
                  const std::string& user_id, const std::string& space_id = "",
                  const std::string& app_id = "app", const std::string& op = "insert");

// n users u1..un, each owning its personal Space s1..sn.
void add_users_with_spaces(TempDatabases& db, long long n);
// The same for ids first..last, in any auth database.
void add_users_with_spaces(pqxx::connection& auth, long long first, long long last);

} // namespace mana::test
