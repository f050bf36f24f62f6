// A sign-up's singletons (SPEC §3.9): its user-scoped kinds and its
// personal Space's Space-scoped kinds, written after its registration
// committed, on a sync database checked before anything was written.
#pragma once

#include "auth/directory.hpp"
#include "auth/registration.hpp"
#include "pg/db.hpp"
#include "sync/sync_log.hpp"

#include <memory>
#include <optional>
#include <string>

namespace mana {

// The sync database of registrations, or the outage they survive.
struct RegistrationSync {
    std::unique_ptr<Database> db;      // none when it could not be reached
    std::optional<std::string> outage; // why, when it could not
};

// The caller's connection, checked before anything is written: an
// incompatible schema, a role that may not insert, or a database that
// refuses the rows is an Error; an unreachable database is an outage, which
// registrations survive.
RegistrationSync check_sync_for_registration(ConnectAttempt sync, const Catalog& catalog);

// What became of the singletons of a registration.
struct SingletonReport {
    // Each kind not retired, in the catalog's order, user kinds first; no
    // outcome: not written, see error.
    std::vector<std::pair<std::string, std::optional<Outcome>>> kinds;
    std::optional<std::string> error; // the sync database's Error
};

// Every kind not retired, none written yet.
SingletonReport unwritten_singletons(const Catalog& catalog);

// The user's kinds and the personal Space's; dry_run only checks them. The
// sync database's Error is reported, not thrown: the registration stands. A
// lost connection (Fatal) is thrown: a batch stops at this row.
SingletonReport write_sign_up_singletons(Database& auth, Database& sync, const Catalog& catalog,
                                         const Registration& registration, bool dry_run);

// check_sync_for_registration for a dry run, which writes nothing, on a
// database the caller reached (an outage is an Error there: what is missing
// cannot be told) and checked with require_schema: the guard of SPEC §7,
// not the privileges or the trial rows.
void check_sync_for_dry_run(Database& sync);

} // namespace mana
