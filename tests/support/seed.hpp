// Rows a test starts from, written as superuser into its TempDatabases.
#pragma once

#include "tempdb.hpp"

#include <string>
#include <vector>

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

// The password the tests register users with.
inline const std::string password = "correct horse battery";

// `mana-auth register ARGS --password-stdin` on db, with pw on stdin (the
// sync role bound by row-level security when plain_sync_role).
Result register_user(TempDatabases& db, std::vector<std::string> args,
                     const std::string& pw = password, bool plain_sync_role = false);

} // namespace mana::test
