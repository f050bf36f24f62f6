// The change log's table as the tool writes it: one list of its columns,
// from which the INSERT, the COPY column list and each row's values are all
// made, so that they cannot disagree by position.
#pragma once

#include "pg/schema.hpp"
#include "pg/session.hpp"
#include "sync/singletons.hpp"

#include <vector>

namespace mana {

// One row, as a per-item write inserts it (the transaction scoped for
// row-level security).
void insert_row(pqxx::transaction_base& tx, const SyncRow& row);

// Appends rows with COPY (the role must not be bound by row-level security).
void copy_rows(pqxx::work& tx, const std::vector<SyncRow>& rows);

// The columns every row fills, for the schema guard (require_filled).
const TableFill& sync_changes_fill();

// The schema guard of the change log, before what (`bootstrap`) writes its
// first row: an Error naming a column the tool cannot fill.
void require_sync_changes_filled(Database& sync, const std::string& what);

} // namespace mana
