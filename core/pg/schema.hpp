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

// Whether the table has the column (one a later release of the platform added).
bool has_column(Database& db, const std::string& table, const std::string& column);

// A table a command inserts rows into, and the columns it fills there.
struct TableFill {
    std::string table; // as the tool names it: auth.accounts, sync_changes
    std::vector<std::string> columns;
};

// The columns of those tables that the tool's rows would leave NULL and the
// server would refuse (SPEC §7): NOT NULL (or of a NOT NULL domain), no
// default, not generated, not an identity, and not among those filled.
// Named schema.table.column, the table's schema included.
std::vector<std::string> unfilled_columns(Database& db, const std::vector<TableFill>& tables);

// Why such a column stops a command, as its refusal and doctor say it.
constexpr const char* unfilled_why =
    "NOT NULL without a default, and mana-auth does not know what the platform writes there";

// unfilled_columns, as an Error (exit 1) naming the first, before what
// (`register`) writes anything.
void require_filled(Database& db, const std::vector<TableFill>& tables, const std::string& what);

} // namespace mana
