#include "jobs/reconcile.hpp"

#include "jobs/converge.hpp"
#include "pg/locks.hpp"
#include "pg/pooler.hpp"
#include "pg/privileges.hpp"
#include "pg/session.hpp"
#include "pg/standby_lag.hpp"
#include "sync/sync_changes.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/option_names.hpp"
#include "util/text.hpp"

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <spdlog/spdlog.h>
#include <thread>

namespace mana {
namespace {

// Limits a role or database may set that a reconcile's own work outgrows:
// its aggregate and COPY run for seconds at a million ids, it waits for the
// run lock (--wait) and for per-item writers to leave its buckets, and a
// transaction of one database waits while it reads the other.
constexpr const char* lifted_limits[] = {"statement_timeout", "lock_timeout",
                                         "idle_in_transaction_session_timeout"};

// The sessions' settings: memory for the aggregates and the writer sorts,
// at least enough to count a million ids and their rows in one hash
// (256 MB of hash memory at the default hash_mem_multiplier; past it, the
// server spills), and more when the role, the database or PGOPTIONS set
// more (3M ids need about 480 MB to stay in memory); should this process
// die, the server notices within a second even in a long query, and frees
// the session's locks; and no limit above. Not through a pooler: there the
// settings would outlive this run in a server session that other clients
// get next (and the role's limits hold).
void configure_session(Database& db) {
    if (db.through_pooler()) {
        spdlog::debug("{}: session settings left as they are (reached through a pooler)",
                      db.label());
        return;
    }
    db.run([&](pqxx::connection& c) {
        pqxx::nontransaction tx{c};
        std::string settings =
            "SELECT set_config('work_mem', '128MB', false) WHERE "
            "pg_size_bytes(current_setting('work_mem')) < pg_size_bytes('128MB'); "
            "SET client_connection_check_interval = '1s'";
        for (const char* limit : lifted_limits) {
            settings += std::string("; SET ") + limit + " = 0";
            if (!spdlog::should_log(spdlog::level::debug)) continue;
            const auto row = tx.exec_params1(
                "SELECT setting, unit FROM pg_settings WHERE name = $1", std::string(limit));
            if (row[0].as<std::string>() == "0") continue;
            spdlog::debug("{}: {} is {} {} for this role or database; off for this session, whose "
                          "statements, lock waits and transactions may run longer",
                          db.label(), limit, row[0].c_str(), row[1].c_str());
        }
        tx.exec(settings);
        if (spdlog::should_log(spdlog::level::debug))
            spdlog::debug("{}: work_mem {}", db.label(), tx.exec1("SHOW work_mem")[0].c_str());
    });
}

// How a run finds and writes what is missing of each kind, and whether the
// scope's ids go into a temporary table of the sync session first.
struct Strategy {
    void (*audit)(const std::vector<KindPass*>&); // once per scope, before find
    bool (*find)(KindPass&);                      // none: the audit was the whole look
    void (*write)(KindPass&); // none: the run only looks
    bool loads_ids;
};

// The kinds of one scope, in turn on the scope's connections: its ids
// loaded once, then what every kind misses found, then, once the run may
// write (--max-writes), written.
void converge_scope(const std::vector<KindPass*>& passes, Strategy strategy, RunControl& control,
                    bool write) {
    auto& first = *passes.front();
    if (strategy.loads_ids) {
        for (auto* pass : passes)
            pass->drop_working_tables();
        first.load_ids();
        first.step_done("loaded the ids");
        for (auto* pass : passes)
            pass->share_ids(first);
    }
    if (strategy.audit && !first.stopping()) strategy.audit(passes);
    if (!strategy.find) return;
    long long would_write = 0;
    for (auto* pass : passes) {
        if (first.stopping() || !strategy.find(*pass)) return;
        would_write += pass->found_missing();
    }
    if (!write || !strategy.write ||
        !control.gate.open(would_write, first.tally().counts.scanned,
                           [&] { return first.stopping(); }))
        return;
    for (auto* pass : passes) {
        if (!pass->kind().kind().retired) strategy.write(*pass);
    }
}

// Each scope in its own thread; the first error stops the other scope at
// its next batch and is rethrown once both are done.
void converge_all(const std::vector<std::vector<KindPass*>>& scopes, Strategy strategy,
                  RunControl& control, bool write) {
    std::vector<std::exception_ptr> errors(scopes.size());
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < scopes.size(); ++i) {
        threads.emplace_back([&, i] {
            try {
                converge_scope(scopes[i], strategy, control, write);
            } catch (...) {
                errors[i] = std::current_exception();
                control.cancelled = true;
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    for (const auto& error : errors) {
        if (error) std::rethrow_exception(error);
    }
}

// Among the users created in the window, when given.
long long count_soft_deleted_users(Database& auth, const Window& window) {
    const auto bound = [](const std::string& moment) {
        return moment.empty() ? std::nullopt : std::optional<std::string>(moment);
    };
    return auth.run([&](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        return tx
            .exec_params1("SELECT count(*) FROM auth.users WHERE deleted_at IS NOT NULL AND "
                          "($1::timestamptz IS NULL OR created_at >= $1::timestamptz) AND "
                          "($2::timestamptz IS NULL OR created_at < $2::timestamptz)",
                          bound(window.since), bound(window.until))[0]
            .as<long long>();
    });
}

std::optional<double> seconds_ago(const std::optional<Moment>& moment) {
    if (!moment || moment->timestamp) return std::nullopt;
    return static_cast<double>(moment->seconds_ago);
}

std::optional<std::string> timestamp(const std::optional<Moment>& moment) {
    return moment ? moment->timestamp : std::nullopt;
}

// The run's window on the auth database's clock, which stamped created_at,
// as ISO-8601 UTC to the microsecond. A --since still to come, or an
// --until not after --since, is a usage error.
Window resolve_window(Database& auth, const ReconcileOptions& o) {
    const auto iso_utc = [](const char* moment) {
        return std::string("to_char(") + moment +
               " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), ";
    };
    const auto row = auth.run([&](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        return tx.exec_params1(
            "SELECT " + iso_utc("s") + iso_utc("u") + iso_utc("settled") +
                "s > now(), u <= s, to_char(now() AT TIME ZONE 'UTC', "
                "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM (SELECT coalesce($1::timestamptz, now() - "
                "make_interval(secs => $2)) AS s, coalesce($3::timestamptz, now() - "
                "make_interval(secs => $4)) AS u, now() - make_interval(secs => $5) AS settled) m",
            timestamp(o.since), seconds_ago(o.since), timestamp(o.until), seconds_ago(o.until),
            o.min_age_seconds > 0 ? std::optional<double>(static_cast<double>(o.min_age_seconds))
                                  : std::nullopt);
    });
    const auto clock = " (the auth database's clock reads " + row[5].as<std::string>() + ")";
    if (row[3].as<bool>(false))
        throw usage_error(option_name(Option::since) + " " + printable(*o.since->timestamp) +
                          " is in the future" + clock);
    if (row[4].as<bool>(false)) {
        throw usage_error(option_name(Option::until) + " " + row[1].as<std::string>() +
                          " is not after " + option_name(Option::since) + " " +
                          row[0].as<std::string>() + ": the window is empty" + clock);
    }
    return {row[0].as<std::string>(""), row[1].as<std::string>(""), row[2].as<std::string>("")};
}

// The whole run: its checks and lock, then both scopes at once, Spaces on a
// second pair of connections (each scope's work is mostly the server's).
class Run {
  public:
    Run(Database& auth, Database& sync, const ReconcileOptions& options,
        const ReconcileProgress& progress)
        : auth_(auth), sync_(sync), o_(options), progress_(progress) {}

    ReconcileResult run() {
        const auto started = std::chrono::steady_clock::now();
        ReconcileResult result;
        const auto window = resolve_window(auth_, o_);
        if (!window.since.empty()) result.since = window.since;
        if (!window.until.empty()) result.until = window.until;
        const auto strategy = choose_strategy(result);
        if (result.item_by_item) {
            spdlog::warn("the sync role is bound by row-level security: reconcile checks and "
                         "writes item by item, much slower than with a BYPASSRLS role, and does "
                         "not count singletons written twice");
        }
        configure_session(sync_);
        std::optional<RunLock> run_lock;
        if (o_.write) run_lock.emplace(sync_, o_.shard, o_.shards, o_.wait_for_lock);
        result.soft_deleted_users = count_soft_deleted_users(auth_, window);
        configure_session(auth_);
        const auto kinds = singleton_kinds(o_.catalog);
        std::vector<const SingletonKind*> kinds_of_user, kinds_of_space;
        for (const auto& kind : kinds) {
            auto& of_scope = kind.kind().scope == Scope::user ? kinds_of_user : kinds_of_space;
            if (kind.kind().scope == Scope::user ? o_.users : o_.spaces) of_scope.push_back(&kind);
        }
        std::optional<Database> space_auth, space_sync;
        if (!kinds_of_user.empty() && !kinds_of_space.empty()) {
            space_auth.emplace(auth_.another()), space_sync.emplace(sync_.another());
            configure_session(*space_auth), configure_session(*space_sync);
        }
        std::deque<KindPass> passes;
        std::vector<std::vector<KindPass*>> scopes;
        RunControl control(o_, (kinds_of_user.empty() ? 0 : 1) + (kinds_of_space.empty() ? 0 : 1));
        const auto add_scope = [&](const std::vector<const SingletonKind*>& of_scope,
                                   Database& auth, Database& sync) {
            if (of_scope.empty()) return;
            scopes.emplace_back();
            for (const auto* kind : of_scope) {
                scopes.back().push_back(
                    &passes.emplace_back(*kind, auth, sync, o_, window, reporter(*kind), control));
            }
        };
        add_scope(kinds_of_user, auth_, sync_);
        add_scope(kinds_of_space, space_auth ? *space_auth : auth_,
                  space_sync ? *space_sync : sync_);
        converge_all(scopes, strategy, control, o_.write);
        for (const auto& pass : passes)
            add_kind(result, pass);
        result.refused = control.gate.refusal();
        result.interrupted = stop_requested();
        result.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return result;
    }

  private:
    // Refuses by name, before anything is read, a sync database the run
    // cannot use as asked.
    Strategy choose_strategy(ReconcileResult& result) {
        result.item_by_item = sync_.bound_by_rls();
        if (o_.write) {
            require_writable(sync_, "reconcile writes singletons (" + option_name(Option::check) +
                                        " and " + option_name(Option::dry_run) +
                                        " only look, and run on it)");
            require_sync_changes_filled(sync_, "reconcile");
            if (o_.max_lag_seconds) require_standbys_visible(sync_);
        } else if (read_only_reason(sync_)) {
            // A look needs no temporary table there: the ids are merged
            // with the change log in this process.
            if (result.item_by_item) {
                throw failure(sync_.named() +
                              " is read-only, and its role is bound by row-level security, "
                              "which hides other users' rows from one query: look with a "
                              "BYPASSRLS role there, or at the primary");
            }
            return {check_read_only, nullptr, nullptr, false};
        }
        // The ids go into temporary tables: refuse by name before reading.
        require_own_session(sync_,
                            "reconcile keeps temporary tables and locks in its server session",
                            o_.pooled_session_ok);
        require_privilege(sync_, sync_temp);
        if (result.item_by_item) return {nullptr, find_item_by_item, write_item_by_item, true};
        return {audit_set_based, find_set_based, write_set_based, true};
    }

    KindProgress reporter(const SingletonKind& kind) {
        return [this, &kind](const char* step, long long done, long long total) {
            if (!progress_) return;
            std::lock_guard<std::mutex> lock(progress_mutex_);
            progress_(kind.name(), step, done, total);
        };
    }

    void add_kind(ReconcileResult& result, const KindPass& pass) const {
        const auto& kind = pass.kind().kind();
        const auto& tally = pass.tally();
        result.kinds.push_back({kind.name, kind.scope, kind.retired, tally.counts, tally.orphans,
                                tally.orphan_sample});
        if (tally.orphans > result.orphans) {
            result.orphans = tally.orphans;
            result.orphan_sample = tally.orphan_sample;
        }
        for (const auto& f : tally.failures)
            add_sample(result.failures, f, o_.sample_size);
    }

    Database& auth_;
    Database& sync_;
    const ReconcileOptions& o_;
    const ReconcileProgress& progress_;
    std::mutex progress_mutex_;
};

} // namespace

ReconcileResult reconcile(Database& auth, Database& sync, const ReconcileOptions& options,
                          const ReconcileProgress& progress) {
    return Run(auth, sync, options, progress).run();
}

} // namespace mana
