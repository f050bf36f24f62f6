#include "reconcile.hpp"

#include "directory.hpp"
#include "error.hpp"
#include "interrupt.hpp"
#include "singletons.hpp"
#include "sync_log.hpp"

#include <chrono>
#include <spdlog/spdlog.h>
#include <tuple>

namespace mana {
namespace {

constexpr const char* live_users_sql = "SELECT id FROM auth.users WHERE deleted_at IS NULL";

// The temporary tables of one kind, in the sync database's session.
struct KindTables {
    Singleton kind;
    const char* ids;     // every id of the shard, numbered
    const char* missing; // those without their singleton, numbered
    const char* columns; // of ids (without n)
    const char* select;  // those columns of t
    const char* exists;  // the existence condition on sync_changes s for t
};

const KindTables user_tables{Singleton::user_context,
                             "mana_reconcile_users",
                             "mana_reconcile_missing_users",
                             "id text",
                             "t.id",
                             "s.user_id = t.id AND s.table_name = 'userContext' "
                             "AND s.record_id = 'singleton'"};
const KindTables space_tables{Singleton::kontext_doc,
                              "mana_reconcile_spaces",
                              "mana_reconcile_missing_spaces",
                              "id text, writer text",
                              "t.id, t.writer",
                              "s.space_id = t.id AND s.table_name = 'kontextDoc'"};

bool in_shard(const std::string& id, const ReconcileOptions& o) {
    return lock_bucket(id) % o.shards == o.shard;
}

void add_sample(std::vector<std::string>& sample, const std::string& item, std::size_t limit) {
    if (sample.size() < limit) sample.push_back(item);
}

class Run {
  public:
    Run(Database& auth, Database& sync, const ReconcileOptions& options,
        const ReconcileProgress& progress)
        : auth_(auth), sync_(sync), o_(options), progress_(progress) {}

    ReconcileResult run() {
        const auto started = std::chrono::steady_clock::now();
        result_.item_by_item = sync_.bound_by_rls();
        if (result_.item_by_item) {
            spdlog::warn("the sync role is bound by row-level security: reconcile checks and "
                         "writes item by item, much slower than with a BYPASSRLS role");
        }
        if (o_.write) take_run_lock();
        result_.soft_deleted_users = auth_.run([](pqxx::connection& c) {
            pqxx::read_transaction tx{c};
            return tx.exec1("SELECT count(*) FROM auth.users WHERE deleted_at IS NOT NULL")[0]
                .as<long long>();
        });
        if (o_.users && !stop_requested()) converge(user_tables, result_.users);
        if (o_.spaces && !stop_requested()) converge(space_tables, result_.spaces);
        result_.interrupted = stop_requested();
        result_.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return result_;
    }

  private:
    const char* phase(const KindTables& t) const {
        return t.kind == Singleton::user_context ? "users" : "spaces";
    }

    void report(const KindTables& t, const char* step, long long done, long long total) {
        if (progress_) progress_(phase(t), step, done, total);
    }

    // One run for everything (exclusive), or one per shard (shared with
    // other shards, exclusive for its own): a second run exits 6 at once.
    void take_run_lock() {
        const auto space = static_cast<int>(LockSpace::reconcile_run);
        const auto shard_space = static_cast<int>(LockSpace::reconcile_shard);
        const auto shard_key = o_.shards * lock_bucket_count + o_.shard;
        const bool got = sync_.run([&](pqxx::connection& c) {
            pqxx::nontransaction tx{c};
            if (o_.wait_for_lock) {
                if (o_.shards == 1)
                    tx.exec_params("SELECT pg_advisory_lock($1, 0)", space);
                else
                    tx.exec_params(
                        "SELECT pg_advisory_lock_shared($1, 0), pg_advisory_lock($2, $3)", space,
                        shard_space, shard_key);
                return true;
            }
            if (o_.shards == 1) {
                return tx.exec_params1("SELECT pg_try_advisory_lock($1, 0)", space)[0].as<bool>();
            }
            if (!tx.exec_params1("SELECT pg_try_advisory_lock_shared($1, 0)", space)[0]
                     .as<bool>()) {
                return false;
            }
            return tx.exec_params1("SELECT pg_try_advisory_lock($1, $2)", shard_space, shard_key)[0]
                .as<bool>();
        });
        if (!got) {
            throw Error(Exit::locked,
                        "another reconcile is running on this sync database (it holds "
                        "the lock): try again later, or pass --wait to queue");
        }
    }

    // The ids of the shard, streamed from the auth database into the sync
    // session's temporary table; orphans are counted, not loaded.
    void load(const KindTables& t, KindCounts& counts) {
        sync_.run([&](pqxx::connection& c) {
            pqxx::nontransaction tx{c};
            tx.exec(std::string("DROP TABLE IF EXISTS ") + t.ids + ", " + t.missing);
            tx.exec(std::string("CREATE TEMP TABLE ") + t.ids + " (n bigserial, " + t.columns +
                    ")");
        });
        auth_.run([&](pqxx::connection& a) {
            pqxx::read_transaction read{a};
            sync_.run([&](pqxx::connection& s) {
                pqxx::work write{s};
                if (t.kind == Singleton::user_context) {
                    copy_users(read, write, counts);
                } else {
                    copy_spaces(read, write, counts);
                }
                write.exec(std::string("ANALYZE ") + t.ids);
                write.commit();
            });
        });
        report(t, "loading", counts.scanned, counts.scanned);
    }

    void copy_users(pqxx::read_transaction& read, pqxx::work& write, KindCounts& counts) {
        pqxx::stream_from in{read, std::string("(") + live_users_sql + ")"};
        pqxx::stream_to out{write, user_tables.ids, std::vector<std::string>{"id"}};
        std::tuple<std::string> row;
        while (in >> row) {
            if (!in_shard(std::get<0>(row), o_)) continue;
            out << row;
            if (++counts.scanned % 100000 == 0) report(user_tables, "loading", counts.scanned, 0);
        }
        in.complete();
        out.complete();
    }

    void copy_spaces(pqxx::read_transaction& read, pqxx::work& write, KindCounts& counts) {
        pqxx::stream_from in{read, "(" + space_writers_sql("") + ")"};
        pqxx::stream_to out{write, space_tables.ids, std::vector<std::string>{"id", "writer"}};
        std::tuple<std::string, std::string, bool> row;
        while (in >> row) {
            const auto& [id, writer, orphan] = row;
            if (!in_shard(id, o_)) continue;
            ++counts.scanned;
            if (orphan) {
                ++result_.orphans;
                add_sample(result_.orphan_sample, id, o_.sample_size);
                continue;
            }
            out << std::make_tuple(id, writer);
            if (counts.scanned % 100000 == 0) report(space_tables, "loading", counts.scanned, 0);
        }
        in.complete();
        out.complete();
    }

    // The kind's lock buckets of this shard, held from the anti-join to the
    // last batch so that no bootstrap writes what was judged missing.
    void lock_buckets(const KindTables& t, bool lock) {
        sync_.run([&](pqxx::connection& c) {
            pqxx::nontransaction tx{c};
            tx.exec_params(std::string("SELECT count(") +
                               (lock ? "pg_advisory_lock" : "pg_advisory_unlock") +
                               "($1, b)) FROM generate_series(0, $2 - 1) b WHERE b % $3 = $4",
                           static_cast<int>(bucket_lock_space(t.kind)), lock_bucket_count,
                           o_.shards, o_.shard);
        });
    }

    void converge(const KindTables& t, KindCounts& counts) {
        load(t, counts);
        if (stop_requested()) return;
        if (result_.item_by_item) {
            converge_item_by_item(t, counts);
            return;
        }
        if (o_.write) lock_buckets(t, true);
        find_missing(t, counts);
        if (o_.write) write_missing(t, counts);
        if (o_.write) lock_buckets(t, false);
    }

    void find_missing(const KindTables& t, KindCounts& counts) {
        report(t, "checking", 0, counts.scanned);
        sync_.run([&](pqxx::connection& c) {
            pqxx::work tx{c};
            tx.exec(std::string("CREATE TEMP TABLE ") + t.missing +
                    " AS SELECT row_number() OVER (ORDER BY t.n) AS n, " + t.select + " FROM " +
                    t.ids + " t WHERE NOT EXISTS (SELECT 1 FROM sync_changes s WHERE " + t.exists +
                    ")");
            tx.exec(std::string("CREATE INDEX ON ") + t.missing + " (n)");
            counts.missing =
                tx.exec(std::string("SELECT count(*) FROM ") + t.missing)[0][0].as<long long>();
            for (const auto& row :
                 tx.exec_params(std::string("SELECT id FROM ") + t.missing + " ORDER BY n LIMIT $1",
                                static_cast<long long>(o_.sample_size))) {
                counts.missing_sample.push_back(row[0].as<std::string>());
            }
            tx.commit();
        });
        report(t, "checking", counts.scanned, counts.scanned);
    }

    // Batch by batch, each committed on its own: an interrupted run keeps
    // what it wrote.
    void write_missing(const KindTables& t, KindCounts& counts) {
        const auto timestamp = js_iso_timestamp(std::chrono::system_clock::now());
        for (long long first = 1; first <= counts.missing && !stop_requested();
             first += o_.batch_size) {
            sync_.transact([&](pqxx::work& tx) {
                std::vector<SyncRow> rows;
                for (const auto& row : tx.exec_params(
                         std::string("SELECT id") +
                             (t.kind == Singleton::kontext_doc ? ", writer" : "") + " FROM " +
                             t.missing + " WHERE n BETWEEN $1 AND $2 ORDER BY n",
                         first, first + o_.batch_size - 1)) {
                    const auto id = row[0].as<std::string>();
                    rows.push_back(t.kind == Singleton::user_context
                                       ? user_context_row(id, timestamp)
                                       : kontext_doc_row(id, row[1].as<std::string>(), timestamp));
                }
                copy_rows(tx, rows);
                counts.written += static_cast<long long>(rows.size());
            });
            report(t, "writing", counts.written, counts.missing);
        }
    }

    // Under row-level security: each item checked and written in its own
    // scoped, locked transaction, exactly as bootstrap does.
    void converge_item_by_item(const KindTables& t, KindCounts& counts) {
        long long done = 0;
        for (long long first = 1; first <= counts.scanned && !stop_requested();
             first += o_.batch_size) {
            const auto batch = sync_.run([&](pqxx::connection& c) {
                pqxx::read_transaction tx{c};
                return tx.exec_params(std::string("SELECT * FROM ") + t.ids +
                                          " WHERE n BETWEEN $1 AND $2 ORDER BY n",
                                      first, first + o_.batch_size - 1);
            });
            for (const auto& row : batch) {
                if (stop_requested()) break;
                converge_one(t, row, counts);
                report(t, o_.write ? "writing" : "checking", ++done, counts.scanned);
            }
        }
    }

    void converge_one(const KindTables& t, const pqxx::row& row, KindCounts& counts) {
        const auto id = row[1].as<std::string>();
        try {
            const auto outcome =
                t.kind == Singleton::user_context
                    ? ensure_user_context(sync_, id, !o_.write)
                    : ensure_kontext_doc(sync_,
                                         {id, row[2].as<std::string>(), {row[2].as<std::string>()}},
                                         !o_.write);
            if (outcome == Outcome::present) return;
            ++counts.missing;
            add_sample(counts.missing_sample, id, o_.sample_size);
            if (outcome == Outcome::written) ++counts.written;
        } catch (const Error& e) {
            ++counts.failed;
            add_sample(result_.failures, id + ": " + e.what(), o_.sample_size);
        }
    }

    Database& auth_;
    Database& sync_;
    const ReconcileOptions& o_;
    const ReconcileProgress& progress_;
    ReconcileResult result_;
};

} // namespace

ReconcileResult reconcile(Database& auth, Database& sync, const ReconcileOptions& options,
                          const ReconcileProgress& progress) {
    return Run(auth, sync, options, progress).run();
}

} // namespace mana
