// `reconcile --all`: converge every live user and Space on its singletons.
//
// The ids of the live users and of the Spaces are read from the auth
// database in one stream each and COPY-ed into temporary tables of the sync
// database, once per scope whatever its number of kinds (the catalog in
// force). A role that bypasses row-level security then finds what each
// kind misses, and what was written twice, with one aggregate per scope
// over the ids and the rows of all its kinds, and writes what is missing
// with COPY in batches,
// each its own transaction, holding the kind's lock buckets (see
// sync_log.hpp) from the aggregate to the last batch; the writers of the
// missing Spaces are looked up batch by batch. A role bound by row-level
// security cannot see other users' rows in one query: it checks and writes
// item by item, each scoped and locked as bootstrap does.
#pragma once

#include "jobs/reconcile_types.hpp"
#include "pg/db.hpp"

namespace mana {

// Runs one reconcile; throws Error(locked) when another run holds the lock.
ReconcileResult reconcile(Database& auth, Database& sync, const ReconcileOptions& options,
                          const ReconcileProgress& progress);

} // namespace mana
