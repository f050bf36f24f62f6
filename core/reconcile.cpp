#include "reconcile.hpp"

#include "directory.hpp"
#include "error.hpp"
#include "interrupt.hpp"
#include "singletons.hpp"
#include "sync_log.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <spdlog/spdlog.h>
#include <thread>
#include <tuple>

namespace mana {
namespace {

// The sessions' settings: memory for the anti-joins and the writer sorts,
// enough to keep a million ids in one hash; and, should this process die,
// the server notices within a second even in a long query, and frees the
// session's locks.
void configure_session(Database& db) {
    db.run([](pqxx::connection& c) {
        pqxx::nontransaction{c}.exec(
            "SET work_mem = '64MB'; SET client_connection_check_interval = '1s'");
    });
}

// One kind of singleton: where its ids come from, the temporary tables of
// the sync session, and when a row of sync_changes s is one for id t.id.
struct Kind {
    Singleton singleton;
    const char* phase;
    const char* ids_sql;
    const char* ids;     // every id of the shard, numbered n
    const char* missing; // those without their singleton, numbered n
    const char* exists;
};

const Kind users{Singleton::user_context,
                 "users",
                 "SELECT id FROM auth.users WHERE deleted_at IS NULL",
                 "mana_reconcile_users",
                 "mana_reconcile_missing_users",
                 "s.user_id = t.id AND s.table_name = 'userContext' AND s.record_id = 'singleton'"};
const Kind spaces{Singleton::kontext_doc,
                  "spaces",
                  "SELECT id FROM auth.organizations",
                  "mana_reconcile_spaces",
                  "mana_reconcile_missing_spaces",
                  "s.space_id = t.id AND s.table_name = 'kontextDoc'"};

void add_sample(std::vector<std::string>& sample, const std::string& item, std::size_t limit) {
    if (sample.size() < limit) sample.push_back(item);
}

// One kind converged on its own pair of connections.
class KindRun {
  public:
    KindRun(const Kind& kind, Database& auth, Database& sync, const ReconcileOptions& options,
            const std::function<void(const char*, long long, long long)>& report, bool item_by_item,
            const std::atomic<bool>& cancelled)
        : k(kind), auth_(auth), sync_(sync), o_(options), report_(report),
          item_by_item_(item_by_item), cancelled_(cancelled) {}

    KindCounts counts;
    long long orphans = 0;
    std::vector<std::string> orphan_sample;
    std::vector<std::string> failures;

    void converge() {
        load();
        step_done("loaded the ids");
        if (stopping()) return;
        if (item_by_item_) {
            // Only a check of every item tells how many are missing.
            const bool checked_all =
                for_each_batch(k.ids, counts.scanned, [&](const std::vector<std::string>& ids) {
                    converge_item_by_item(ids);
                });
            if (checked_all) counts.missing = found_missing_;
            step_done("checked item by item");
            return;
        }
        if (o_.write) lock_buckets(true);
        const auto candidates = find_missing();
        step_done("found what is missing");
        for_each_batch(k.missing, candidates,
                       [&](const std::vector<std::string>& ids) { write_batch(ids); });
        // The orphans among the candidates are not missing; stopped early,
        // those not yet looked at still count.
        counts.missing = candidates - orphans;
        if (o_.write) lock_buckets(false);
        step_done(o_.write ? "wrote the missing" : "looked up the writers");
    }

  private:
    bool stopping() const { return stop_requested() || cancelled_; }

    // Where the time goes, for --log-level debug.
    void step_done(const char* what) {
        const auto now = std::chrono::steady_clock::now();
        spdlog::debug("{}: {} in {:.2f} s", k.phase, what,
                      std::chrono::duration<double>(now - step_start_).count());
        step_start_ = now;
    }

    // The ids of the shard, streamed from the auth database into the sync
    // session's temporary table.
    void load() {
        sync_.run([&](pqxx::connection& c) {
            pqxx::nontransaction tx{c};
            tx.exec(std::string("DROP TABLE IF EXISTS ") + k.ids + ", " + k.missing);
            tx.exec(std::string("CREATE TEMP TABLE ") + k.ids + " (n bigserial, id text)");
        });
        auth_.run([&](pqxx::connection& a) {
            pqxx::read_transaction read{a};
            sync_.run([&](pqxx::connection& s) {
                pqxx::work write{s};
                pqxx::stream_from in{read, std::string("(") + k.ids_sql + ")"};
                pqxx::stream_to out{write, k.ids, std::vector<std::string>{"id"}};
                // (Not `out << in`: libpqxx 6.4 then doubles every line end.)
                std::tuple<std::string> row;
                while (in >> row) {
                    if (o_.shards == 1 || lock_bucket(std::get<0>(row)) % o_.shards == o_.shard)
                        out << row;
                }
                in.complete();
                out.complete();
                counts.scanned =
                    write.exec(std::string("SELECT count(*) FROM ") + k.ids)[0][0].as<long long>();
                write.exec(std::string("ANALYZE ") + k.ids);
                write.commit();
            });
        });
        report_("loading", counts.scanned, counts.scanned);
    }

    // The kind's lock buckets of this shard, held from the anti-join to the
    // last batch so that no bootstrap writes what was judged missing.
    void lock_buckets(bool lock) {
        sync_.run([&](pqxx::connection& c) {
            pqxx::nontransaction tx{c};
            tx.exec_params(std::string("SELECT count(") +
                               (lock ? "pg_advisory_lock" : "pg_advisory_unlock") +
                               "($1, b)) FROM generate_series(0, $2 - 1) b WHERE b % $3 = $4",
                           static_cast<int>(bucket_lock_space(k.singleton)), lock_bucket_count,
                           o_.shards, o_.shard);
        });
    }

    // How many ids lack their singleton, in the table k.missing.
    long long find_missing() {
        report_("checking", 0, 0);
        return sync_.transact([&](pqxx::work& tx) {
            tx.exec(std::string("CREATE TEMP TABLE ") + k.missing +
                    " AS SELECT row_number() OVER (ORDER BY t.n) AS n, t.id FROM " + k.ids +
                    " t WHERE NOT EXISTS (SELECT 1 FROM sync_changes s WHERE " + k.exists + ")");
            tx.exec(std::string("CREATE INDEX ON ") + k.missing + " (n)");
            return tx.exec(std::string("SELECT count(*) FROM ") + k.missing)[0][0].as<long long>();
        });
    }

    // f(ids) for the ids of table, batch_size at a time, until stopped;
    // whether it went through all of them.
    bool for_each_batch(const char* table, long long total,
                        const std::function<void(const std::vector<std::string>&)>& f) {
        long long done = 0;
        for (long long first = 1; first <= total && !stopping(); first += o_.batch_size) {
            const auto rows = sync_.run([&](pqxx::connection& c) {
                pqxx::read_transaction tx{c};
                return tx.exec_params(std::string("SELECT id FROM ") + table +
                                          " WHERE n BETWEEN $1 AND $2 ORDER BY n",
                                      first, first + o_.batch_size - 1);
            });
            std::vector<std::string> ids;
            for (const auto& row : rows)
                ids.push_back(row[0].as<std::string>());
            f(ids);
            done += static_cast<long long>(ids.size());
            report_(o_.write ? "writing" : "checking", done, total);
        }
        return done == total;
    }

    std::map<std::string, std::string> writers(const std::vector<std::string>& ids) {
        return k.singleton == Singleton::kontext_doc ? writers_of(auth_, ids)
                                                     : std::map<std::string, std::string>{};
    }

    // Judged missing: note it, and say whether to write it (a Space needs
    // a writer; one without is an orphan).
    bool note_missing(const std::string& id, const std::map<std::string, std::string>& writer) {
        if (k.singleton == Singleton::kontext_doc && !writer.count(id)) {
            ++orphans;
            add_sample(orphan_sample, id, o_.sample_size);
            return false;
        }
        ++found_missing_;
        add_sample(counts.missing_sample, id, o_.sample_size);
        return true;
    }

    // One batch of ids judged missing, written in one transaction with COPY
    // (under the lock buckets: nothing else of this tool wrote them since).
    void write_batch(const std::vector<std::string>& ids) {
        const auto writer = writers(ids);
        const SingletonRows build(js_iso_timestamp(std::chrono::system_clock::now()));
        std::vector<SyncRow> rows;
        for (const auto& id : ids) {
            if (!note_missing(id, writer)) continue;
            rows.push_back(k.singleton == Singleton::user_context
                               ? build.user_context(id)
                               : build.kontext_doc(id, writer.at(id)));
        }
        if (!o_.write || rows.empty()) return;
        sync_.transact([&](pqxx::work& tx) { copy_rows(tx, rows); });
        counts.written += static_cast<long long>(rows.size());
    }

    // Under row-level security: each item checked (and written) in its own
    // scoped, locked transaction, exactly as bootstrap does.
    void converge_item_by_item(const std::vector<std::string>& ids) {
        const auto writer = writers(ids);
        for (const auto& id : ids) {
            if (stopping()) return;
            try {
                const auto outcome = k.singleton == Singleton::user_context
                                         ? ensure_user_context(sync_, id, !o_.write)
                                         : ensure_space_doc(id, writer);
                if (outcome == Outcome::present || !note_missing(id, writer)) continue;
                if (outcome == Outcome::written) ++counts.written;
            } catch (const Error& e) {
                ++counts.failed;
                add_sample(failures, id + ": " + e.what(), o_.sample_size);
            }
        }
    }

    // An orphan is only checked: it has nobody to write it.
    Outcome ensure_space_doc(const std::string& id,
                             const std::map<std::string, std::string>& writer) {
        const auto w = writer.find(id);
        if (w == writer.end()) return ensure_kontext_doc(sync_, {id, "", {}}, true);
        return ensure_kontext_doc(sync_, {id, w->second, {w->second}}, !o_.write);
    }

    const Kind& k;
    Database& auth_;
    Database& sync_;
    const ReconcileOptions& o_;
    std::function<void(const char*, long long, long long)> report_;
    bool item_by_item_;
    long long found_missing_ = 0;        // so far, by note_missing
    const std::atomic<bool>& cancelled_; // the other kind failed
    std::chrono::steady_clock::time_point step_start_ = std::chrono::steady_clock::now();
};

// The whole run: its lock, then both kinds at once.
class Run {
  public:
    Run(Database& auth, Database& sync, const ReconcileOptions& options,
        const ReconcileProgress& progress)
        : auth_(auth), sync_(sync), o_(options), progress_(progress) {}

    ReconcileResult run() {
        const auto started = std::chrono::steady_clock::now();
        require_temp_privilege();
        result_.item_by_item = sync_.bound_by_rls();
        if (result_.item_by_item) {
            spdlog::warn("the sync role is bound by row-level security: reconcile checks and "
                         "writes item by item, much slower than with a BYPASSRLS role");
        }
        configure_session(sync_);
        if (o_.write) take_run_lock();
        result_.soft_deleted_users = auth_.run([](pqxx::connection& c) {
            pqxx::read_transaction tx{c};
            return tx.exec1("SELECT count(*) FROM auth.users WHERE deleted_at IS NOT NULL")[0]
                .as<long long>();
        });
        // Both kinds at once, Spaces on a second pair of connections: each
        // kind's work is mostly the server's.
        configure_session(auth_);
        std::optional<Database> space_auth, space_sync;
        if (o_.users && o_.spaces) {
            space_auth.emplace(auth_.another()), space_sync.emplace(sync_.another());
            configure_session(*space_auth), configure_session(*space_sync);
        }
        std::atomic<bool> cancelled{false};
        KindRun user_run(users, auth_, sync_, o_, reporter(users), result_.item_by_item, cancelled);
        KindRun space_run(spaces, space_auth ? *space_auth : auth_,
                          space_sync ? *space_sync : sync_, o_, reporter(spaces),
                          result_.item_by_item, cancelled);
        std::vector<KindRun*> runs;
        if (o_.users) runs.push_back(&user_run);
        if (o_.spaces) runs.push_back(&space_run);
        std::vector<std::exception_ptr> errors(runs.size());
        std::vector<std::thread> threads;
        for (std::size_t i = 0; i < runs.size(); ++i) {
            threads.emplace_back([&, i] {
                try {
                    runs[i]->converge();
                } catch (...) {
                    errors[i] = std::current_exception();
                    cancelled = true; // the other kind stops at its next batch
                }
            });
        }
        for (auto& thread : threads)
            thread.join();
        for (const auto& error : errors) {
            if (error) std::rethrow_exception(error);
        }

        result_.users = user_run.counts;
        result_.spaces = space_run.counts;
        result_.orphans = space_run.orphans;
        result_.orphan_sample = space_run.orphan_sample;
        result_.failures = user_run.failures;
        for (const auto& f : space_run.failures)
            add_sample(result_.failures, f, o_.sample_size);
        result_.interrupted = stop_requested();
        result_.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return result_;
    }

  private:
    std::function<void(const char*, long long, long long)> reporter(const Kind& k) {
        return [this, &k](const char* step, long long done, long long total) {
            if (!progress_) return;
            std::lock_guard<std::mutex> lock(progress_mutex_);
            progress_(k.phase, step, done, total);
        };
    }

    // The ids go into temporary tables: without TEMP, refuse by name before
    // reading anything.
    void require_temp_privilege() {
        const bool may = sync_.run([](pqxx::connection& c) {
            pqxx::read_transaction tx{c};
            return tx.exec1("SELECT has_database_privilege(current_database(), 'TEMP')")[0]
                .as<bool>();
        });
        if (!may) {
            throw failure(std::string("sync database: role ") + sync_.conn().username() +
                          " may not create temporary tables, which reconcile needs: GRANT TEMP "
                          "ON DATABASE " +
                          sync_.conn().dbname() + " TO " + sync_.conn().username());
        }
    }

    // One run for everything (exclusive), or one per shard (shared with
    // other shards, exclusive for its own): a second run exits 6 at once.
    void take_run_lock() {
        const auto space = static_cast<int>(LockSpace::reconcile_run);
        const auto shard_space = static_cast<int>(LockSpace::reconcile_shard);
        const auto shard_key = o_.shards * lock_bucket_count + o_.shard;
        const bool got = sync_.run([&](pqxx::connection& c) {
            pqxx::nontransaction tx{c};
            const std::string mode = o_.wait_for_lock ? "pg_advisory_lock" : "pg_try_advisory_lock";
            const auto lock = [&](const std::string& how, int a, int b) {
                const auto r = tx.exec_params1("SELECT " + how + "($1, $2)::text", a, b);
                return r[0].as<std::string>() != "false";
            };
            if (o_.shards == 1) return lock(mode, space, 0);
            return lock(mode + "_shared", space, 0) && lock(mode, shard_space, shard_key);
        });
        if (!got) {
            throw Error(Exit::locked,
                        "another reconcile is running on this sync database (it holds "
                        "the lock): try again later, or pass --wait to queue");
        }
    }

    Database& auth_;
    Database& sync_;
    const ReconcileOptions& o_;
    const ReconcileProgress& progress_;
    std::mutex progress_mutex_;
    ReconcileResult result_;
};

} // namespace

ReconcileResult reconcile(Database& auth, Database& sync, const ReconcileOptions& options,
                          const ReconcileProgress& progress) {
    return Run(auth, sync, options, progress).run();
}

} // namespace mana
