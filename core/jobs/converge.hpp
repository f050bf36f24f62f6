// One kind converged by one of reconcile's two strategies: set-based (one
// aggregate, then COPY in batches under the kind's bucket locks) for a role
// that bypasses row-level security, item by item (each scoped and locked as
// bootstrap does) for one bound by it. Each strategy first finds what is
// missing, for every kind of the run, and then writes it, once the run may
// (--max-writes). What both share is here.
#pragma once

#include "jobs/reconcile_types.hpp"
#include "pg/locks.hpp"
#include "pg/session.hpp"
#include "pg/standby_lag.hpp"
#include "sync/singleton_kind.hpp"
#include "util/error.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mana {

// What a strategy found and did.
struct Tally {
    KindCounts counts;
    long long orphans = 0; // needed a writer and had none
    std::vector<std::string> orphan_sample;
    std::vector<ItemFailure> failures;
};

// step ("loading", "checking", "writing"), done, total.
using KindProgress = std::function<void(const char*, long long, long long)>;

template <class T>
void add_sample(std::vector<T>& sample, const T& item, std::size_t limit) {
    if (sample.size() < limit) sample.push_back(item);
}

// The rows of the kinds (of one scope) among `rows` (sync_changes s, or a
// subset named s) as (id, k, w): k is the row's kind's number, w what the
// row adds to its item's copies, 1 an insert, -1 a delete, 0 an edit. The
// sum of w over an item and kind is NULL when it has no row at all
// (missing), above 1 when written more than once. The kinds' table names
// and record ids are added to values.
std::string weighted_rows(const std::vector<const SingletonKind*>& kinds, QueryValues& values,
                          const std::string& rows = "sync_changes s");

// What f makes of each kind, as a list.
template <class F>
std::vector<std::string> per_kind(const std::vector<const SingletonKind*>& kinds, F&& f) {
    std::vector<std::string> items;
    items.reserve(kinds.size());
    for (const auto* kind : kinds)
        items.push_back(f(*kind));
    return items;
}

// Each kind's copies of an item among the rows r (weighted_rows) that a
// query groups, as columns named by the kinds' copies_column, in order: the
// plain sum for a scope of one kind (a filter per row costs a fifth of the
// aggregate), else each kind's filtered sum (NULL when it has no row).
std::string copies_of(const std::vector<const SingletonKind*>& kinds, const std::string& r);

// The first column of rows (a batch's ids).
std::vector<std::string> first_column(const pqxx::result& rows);

// The writer of id in writers, or "" when it has none.
std::string writer_in(const std::map<std::string, std::string>& writers, const std::string& id);

// --max-writes, decided before the run's first write: each scope says how
// many singletons its kinds would write and how many items it looked at,
// and waits for the others; past the bound, no kind writes.
class WriteGate {
  public:
    WriteGate(std::optional<WriteBound> bound, std::size_t scopes)
        : bound_(std::move(bound)), scopes_(scopes) {}

    // Whether the scope may write: at once without a bound, else once every
    // scope has said; false when the run stops first.
    bool open(long long would_write, long long looked_at, const std::function<bool()>& stopping);
    std::optional<Refusal> refusal() const;

  private:
    const std::optional<WriteBound> bound_;
    const std::size_t scopes_;
    mutable std::mutex mutex_;
    std::condition_variable all_arrived_;
    std::size_t arrived_ = 0;
    long long would_write_ = 0;
    long long looked_at_ = 0;
    std::optional<Refusal> refusal_;
};

// --max-rate: the writes of every kind of the run average no more than
// rate rows a second, counted from the first write.
class Pacer {
  public:
    explicit Pacer(std::optional<long long> rows_per_second) : rate_(rows_per_second) {}

    // The rows of one batch: at most a second's worth, so that the pace is
    // even rather than a burst and a long wait.
    long long batch_size(long long asked) const;
    // Waits until `rows` more may be written without the run's average
    // going above the rate; false when the run stops first (a signal cuts
    // the wait short).
    bool admit(long long rows, const std::function<bool()>& stopping);

  private:
    const std::optional<long long> rate_;
    std::mutex mutex_;
    std::optional<std::chrono::steady_clock::time_point> start_;
    long long admitted_ = 0;
};

// What the kinds of one run share: whether one failed, the write bound,
// the pace and the standbys' lag.
struct RunControl {
    RunControl(const ReconcileOptions& o, std::size_t scopes)
        : gate(o.max_writes, scopes), pacer(o.max_rate), standbys(o.max_lag_seconds) {}
    std::atomic<bool> cancelled{false};
    WriteGate gate;
    Pacer pacer;
    StandbyWatch standbys;
};

// One kind, on the pair of connections of its scope (the kinds of a scope
// take turns on them; the scopes run at once).
class KindPass {
  public:
    KindPass(const SingletonKind& of, Database& auth_db, Database& sync_db,
             const ReconcileOptions& run_options, Window run_window, KindProgress report,
             RunControl& control)
        : kind_(of), auth_(auth_db), sync_(sync_db), options_(run_options),
          window_(std::move(run_window)), progress_(std::move(report)), control_(control) {}

    const SingletonKind& kind() const { return kind_; }
    const ReconcileOptions& options() const { return options_; }
    // This scope's sessions: its own, as the other scope's run in another thread.
    Database& auth() { return auth_; }
    Database& sync() { return sync_; }
    // What the pass found and did, as far as it got.
    Tally& tally() { return tally_; }
    const Tally& tally() const { return tally_; }
    // Where the pass is: a step, and how far through it.
    void progress(const char* step, long long done, long long total) const {
        progress_(step, done, total);
    }

    // A signal, or the other scope failed.
    bool stopping() const;
    // Where the time goes, for --log-level debug.
    void step_done(const char* what);

    // The query of the window's ids that must have the singleton (with
    // each item's creation when with_born, and whether it is pending when
    // there is a settle window), in an auth transaction that it prepares
    // for it.
    std::string ids_query(pqxx::transaction_base& auth_tx, bool with_born) const;
    // Whether a line of the ids query's COPY names a pending item; strips
    // the line of that flag.
    bool is_pending(std::string& line) const;
    // Whether the ids are those new since a moment, not all of them.
    bool only_new() const { return !window_.since.empty(); }
    // The ids of the window's shard that are not pending, streamed from the
    // auth database into the sync session's scope ids_table (n, id, born:
    // the item's creation, whole seconds since 1970); counts them as
    // scanned, and the pending ones as such. Once per scope: its other
    // kinds' passes take the counts and the auth database's clock
    // (share_ids).
    void load_ids();
    void share_ids(const KindPass& loaded);
    // Drops the kind's working tables, left by an earlier run of the session.
    void drop_working_tables();
    // The set-based audit's count of the kind's items without a row
    // (orphans among them), for find_set_based.
    void set_candidates(long long candidates) { candidates_ = candidates; }
    long long candidates() const { return candidates_; }
    // The kind's bucket locks of the shard, held until released.
    void hold_buckets();
    void release_buckets() { buckets_.reset(); }
    // f(rows) for the rows of table in the order of its column n, with the
    // columns asked, batch_size at a time, until stopped, reported as step;
    // whether it went through all of them.
    bool for_each_batch(const char* step, const char* table, const char* columns, long long total,
                        const std::function<void(const pqxx::result&)>& f);
    // The same for writing: batches at the pace of --max-rate, each
    // admitted before f writes it, once no standby lags more than --max-lag.
    bool for_each_write_batch(const char* table, const char* columns, long long total,
                              const std::function<void(const pqxx::result&)>& f);
    // The writer of each id that has one; none asked when the kind needs none.
    std::map<std::string, std::string> writers(const std::vector<std::string>& ids);
    // Judged missing: counts it, and says whether to write it (an orphan is
    // counted as such instead).
    bool note_missing(const std::string& id, const std::map<std::string, std::string>& writers);
    // Ages the items note_missing counted since the last call, on an auth
    // connection that is not streaming: the oldest's age becomes the
    // kind's oldest_missing_seconds if it is older.
    void age_missing(Database& auth_db);
    // The same from the creation of the oldest of them (born, as in the ids
    // table) read with the ids: no lookup, the age as the auth database's
    // clock has it now; none: no age (a NULL created_at, as min() skips).
    void age_missing_from(std::optional<long long> oldest_born);
    // How many note_missing counted as missing so far.
    long long found_missing() const { return found_missing_; }

  private:
    const SingletonKind& kind_;
    Database& auth_;
    Database& sync_;
    const ReconcileOptions& options_;
    const Window window_;
    const KindProgress progress_;
    Tally tally_;
    long long found_missing_ = 0;
    long long candidates_ = 0;
    // The items counted since the last ageing are aged; the oldest age wins.
    void keep_oldest(std::optional<long long> age);

    std::vector<std::string> unaged_; // counted missing, age not yet known
    // The auth database's clock when the ids were loaded (seconds since
    // 1970), and this process's at that moment.
    long long loaded_at_ = 0;
    std::chrono::steady_clock::time_point loaded_;
    RunControl& control_;
    std::optional<BucketLocks> buckets_;
    std::optional<std::chrono::steady_clock::time_point> lag_logged_;
    // Says that the run waits for a standby: in progress, and in the log
    // when it begins to wait and every 10 s while it does.
    void wait_for(const StandbyLag& lag);
    bool batches(const char* step, const char* table, const char* columns, long long total,
                 long long size, const std::function<void(const pqxx::result&)>& f);
    std::chrono::steady_clock::time_point step_start_ = std::chrono::steady_clock::now();
};

// Each finds what of pass.kind() is missing after load_ids(), filling
// pass.tally(); whether it judged every item. A retired kind is only
// counted when present twice. Then, when the run writes and may, each
// writes what it found. The set-based one needs the audit of the kind's
// scope first, one aggregate for every kind of it.
void audit_set_based(const std::vector<KindPass*>& scope);
bool find_set_based(KindPass& pass);
void write_set_based(KindPass& pass);
bool find_item_by_item(KindPass& pass);
void write_item_by_item(KindPass& pass);
// Only looks (--check, --dry-run) at a read-only sync database, for every
// kind of a scope at once, without load_ids(): no temporary table can be
// made there.
void check_read_only(const std::vector<KindPass*>& scope);

} // namespace mana
