// `register --from`: many sign-ups, hashed on every core while the
// registrations commit one by one. A bad row is reported and the rest go on.
#pragma once

#include "util/error.hpp"
#include "auth/registration.hpp"
#include "auth/sign_up_reader.hpp"
#include "sync/sign_up_singletons.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mana {

struct BatchOptions {
    IfExists if_exists = IfExists::error;
    bool bootstrap = true; // write the singletons after each user
    unsigned jobs = 1;     // hashing threads
    Catalog catalog = builtin_catalog(); // the singletons' kinds
};

struct RowFailure {
    std::size_t line;
    ItemFailure failure; // the item is the row's email
    const InputRow& row; // its text for a rejects file; passwords in it
};

// A registration committed whose singletons were not all written.
struct HalfDone {
    std::size_t line;
    std::string email;
    std::string user_id;
};

// Where a batch stopped on a failure that every row after it would share
// (a lost connection), and why.
struct BatchStop {
    std::size_t line;
    std::string error;
};

struct BatchSummary {
    long long created = 0;
    long long updated = 0;
    long long skipped = 0;
    long long failed = 0;
    long long singletons_written = 0;
    long long singletons_present = 0;
    long long singletons_not_written = 0;
    std::optional<std::string> sync_error; // the first sync failure
    bool interrupted = false; // stopped by SIGINT/SIGTERM
    std::optional<BatchStop> stopped; // the lines after it were not read
    std::vector<HalfDone> half_done;
    bool would_write = false; // a dry run: some row would write something
    long long rows() const { return created + updated + skipped + failed; }
    // Adds a row's singletons: written, or in a dry run would be.
    void count_singletons(const SingletonReport& report);
};

// A row that registered, or in a dry run would: what it did.
struct RowDone {
    std::size_t line;
    std::string email;
    RegisterAction action;
    std::string user_id;              // none: a dry run's new user
    std::size_t created_by = 0;       // a dry run: the earlier line that creates the user
    bool soft_deleted = false;        // skipped
    std::vector<FieldChange> changes; // of an update
};

struct BatchCallbacks {
    std::function<void(const RowFailure&)> on_failure;
    std::function<void(const RowDone&)> on_row;
    std::function<void(const BatchSummary&)> on_progress; // after every row
};

// auth and sync are opened and checked by the caller before anything is
// read or written (check_auth_for_registration, check_sync_for_registration).
// When the sync database could not be reached every registration still
// stands and the singletons are counted as not written.
BatchSummary register_batch(Database& auth, const RegistrationSchema& schema,
                            RegistrationSync& sync, SignUpReader& reader,
                            const BatchOptions& options, const BatchCallbacks& callbacks);

// register_batch as a dry run: what each row would do, judged against the
// auth database, the rows before it in the file and, with
// options.bootstrap, the singletons in the sync database. Nothing is hashed
// (a password is checked by its rules only) and nothing is written. The
// summary counts what would be: singletons_written would be written. auth
// is checked by check_auth_for_dry_run, sync (none without
// options.bootstrap) by check_sync_for_dry_run.
BatchSummary dry_run_batch(Database& auth, Database* sync, SignUpReader& reader,
                           const BatchOptions& options, const BatchCallbacks& callbacks);

} // namespace mana
