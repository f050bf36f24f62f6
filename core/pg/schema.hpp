// The schemas the tool relies on: the DDL in sql/ (compiled in, for `dev`
// and the tests) and the columns it reads and writes, checked before it
// touches a database.
#pragma once

#include "pg/db.hpp"

#include <string>
#include <vector>

namespace mana {

// sql/auth.sql and sql/sync.sql, as built into the binary.
const char* auth_schema_sql();
const char* sync_schema_sql();

// Creates the schema for db's role. Idempotent. Never run by a command
// against a database it did not create.
void apply_schema(Database& db);

// "auth.members is missing", "auth.users.email has type integer, expected text".
struct SchemaProblem {
    std::string object; // auth.members.role
    std::string problem;
};

// Every table and column the tool uses, checked for presence and type.
std::vector<SchemaProblem> check_schema(Database& db);

// check_schema, as an Error naming the first problem.
void require_schema(Database& db);

} // namespace mana
