// The values a reconcile takes and gives: its options, its counts and its
// result (cli/option_values.hpp reads the options' text). Apart from
// reconcile.hpp so that the strategies (converge.hpp) share them without a
// cycle.
#pragma once

#include "sync/catalog.hpp"
#include "util/error.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace mana {

// A bound of --since or --until: a timestamp with its zone, or a span
// before now (the auth database's clock; reconcile refuses a moment still to
// come).
struct Moment {
    std::optional<std::string> timestamp; // ISO-8601, e.g. 2026-11-25T03:00:00Z
    long long seconds_ago = 0;            // else
};

// --max-writes: a count, or a percentage of the live users and Spaces the
// run looked at.
struct WriteBound {
    std::string text;            // as given: "1000", "5%", "0.5%"
    long long count = 0;         // N
    long long basis_points = -1; // else P% in hundredths of a percent
    // The most singletons a run that looked at `items` may write.
    long long limit(long long items) const;
};

// What --max-writes refused: the run wrote nothing.
struct Refusal {
    long long would_write = 0;
    long long bound = 0;
    long long looked_at = 0; // live users and Spaces, pending ones not counted
};

struct ReconcileOptions {
    bool write = true;  // false: --check / --dry-run
    bool users = true;  // the user-scoped kinds of every live user
    bool spaces = true; // the Space-scoped kinds of every Space with a writer
    Catalog catalog = builtin_catalog();
    int shard = 0;      // this run's shard, 0-based
    int shards = 1;     // of this many (by lock bucket)
    long long batch_size = 5000;
    bool wait_for_lock = false;     // block instead of exiting 6
    bool pooled_session_ok = false; // the sync pooler, if any, is in session mode
    std::size_t sample_size = 20;   // ids listed of what is missing, orphaned, failed
    // Only the users created since then, and the Spaces created or joined
    // since then; none: every user and Space.
    std::optional<Moment> since;
    // With since: only what was created (or joined) before then.
    std::optional<Moment> until;
    // The settle window (SPEC §6): users and Spaces created less than this
    // long ago are left to a later run, counted as pending.
    long long min_age_seconds = 0;
    // The blast-radius bound (SPEC §6): a writing run that would write more
    // writes nothing.
    std::optional<WriteBound> max_writes;
    // The pace (SPEC §6): the run's writes average at most this many rows a
    // second.
    std::optional<long long> max_rate;
    // Replicas (SPEC §6): before each batch, wait while a streaming standby
    // of the sync database lags more than this many seconds.
    std::optional<long long> max_lag_seconds;
};

struct KindCounts {
    long long scanned = 0;
    // Younger than --min-age: neither checked nor written.
    long long pending = 0;
    // What the run found missing (Spaces without a writer are orphans, not
    // counted here); none when it stopped before it knew, or for a retired
    // kind. Interrupted, the
    // Spaces it had not yet looked at count as missing (some may prove to be
    // orphans), so missing - written is what remains.
    std::optional<long long> missing;
    long long written = 0;
    long long failed = 0;
    std::vector<std::string> missing_sample;
    // Staleness (SPEC §6): how long ago the oldest item found missing was
    // created, in whole seconds of the auth database's clock; none when
    // nothing was.
    std::optional<long long> oldest_missing_seconds;
    // Items whose singleton was created more than once and not deleted since
    // (insert rows minus delete rows above 1): reported, never retracted.
    // None when not counted (item by item, or stopped before the audit).
    std::optional<long long> duplicates;
    std::vector<std::string> duplicate_sample;
};

// One kind of the catalog in force, as the run found and left it.
struct KindResult {
    std::string name;
    Scope scope;
    bool retired;
    KindCounts counts;
    long long orphans = 0; // Spaces without this kind and without a live member
    std::vector<std::string> orphan_sample;
};

struct ReconcileResult {
    std::vector<KindResult> kinds; // those of the scopes asked, in the catalog's order
    long long soft_deleted_users = 0;
    // Spaces without a live member missing a kind: the most any kind found.
    long long orphans = 0;
    std::vector<std::string> orphan_sample;
    std::vector<ItemFailure> failures; // the first sample_size
    // --since and --until as the auth database resolved them: ISO-8601
    // UTC, microseconds.
    std::optional<std::string> since;
    std::optional<std::string> until;
    std::optional<Refusal> refused; // by --max-writes: nothing written
    bool item_by_item = false;      // the sync role is bound by row-level security
    bool interrupted = false;
    double seconds = 0;
};

// The kind of that name, or none when the run had none such.
const KindResult* kind_named(const ReconcileResult& result, const std::string& name);

// The items of a scope the run looked at and left, which every kind of the
// scope shares.
struct ScopeCounts {
    long long scanned = 0;
    long long pending = 0;
};
ScopeCounts scope_counts(const ReconcileResult& result, Scope scope);

// Summed over the kinds: the missing that are not retired's, the failed,
// the written.
long long total_missing(const ReconcileResult& result);
long long total_failed(const ReconcileResult& result);

// kind: the singleton kind's name (a scope's ids, loaded and checked once
// for all its kinds, are reported by its first kind); step: "loading",
// "checking", "writing", "waiting for a standby"; total 0 when not known.
using ReconcileProgress =
    std::function<void(const std::string& kind, const char* step, long long done, long long total)>;

} // namespace mana
