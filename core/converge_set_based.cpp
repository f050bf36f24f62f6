// The set-based strategy, for a sync role that bypasses row-level security:
// one aggregate finds what is missing (and what is there twice), COPY writes
// it in batches, each its own transaction, all under the kind's bucket locks
// of the shard, held from the aggregate to the last batch so that no
// per-item writer writes what was judged missing. The writers of missing
// Spaces are looked up batch by batch.
#include "converge.hpp"
#include "locks.hpp"

#include <optional>

namespace mana {
namespace {

// Per item: how many of the kind's rows s it has, and how many more
// inserts than deletes (above 1: written more than once).
std::string tallies(const std::string& s) {
    return "count(" + s + ".op) AS rows, count(*) FILTER (WHERE " + s +
           ".op = 'insert') - count(*) FILTER (WHERE " + s + ".op = 'delete') AS copies";
}

// The items of the ids table with no row of the kind, or written twice:
// (id, n, rows, copies). Every id: one aggregate over the ids and the kind's
// rows, scanning them once (1.5 s at a million, a join then a grouping
// 1.8 s). The ids of --since, few: a join, which looks each up by index
// where one serves it.
std::string audit_query(const KindPass& pass) {
    const auto& kind = pass.kind;
    const std::string ids = kind.ids_table;
    if (pass.since.empty()) {
        return "SELECT id, n, rows, copies FROM (SELECT u.id, max(u.n) AS n, " + tallies("u") +
               " FROM (SELECT t.id, t.n, NULL::text AS op FROM " + ids + " t UNION ALL SELECT s." +
               kind.id_column + ", NULL, s.op FROM sync_changes s WHERE " + kind.rows_sql +
               ") u GROUP BY u.id) g WHERE n IS NOT NULL AND (rows = 0 OR copies > 1)";
    }
    return "SELECT id, n, rows, copies FROM (SELECT t.id, t.n, " + tallies("s") + " FROM " + ids +
           " t LEFT JOIN sync_changes s ON s." + kind.id_column + " = t.id AND " + kind.rows_sql +
           " GROUP BY t.id, t.n) g WHERE rows = 0 OR copies > 1";
}

// Finds the ids without their singleton (into kind.missing_table) and counts
// those written more than once; returns how many are missing.
long long audit(KindPass& pass) {
    const auto& kind = pass.kind;
    pass.progress("checking", 0, 0);
    return pass.sync.transact([&](pqxx::work& tx) {
        tx.exec(std::string("CREATE TEMP TABLE ") + kind.audit_table + " AS " + audit_query(pass));
        tx.exec(std::string("CREATE TEMP TABLE ") + kind.missing_table +
                " AS SELECT row_number() OVER (ORDER BY n) AS n, id FROM " + kind.audit_table +
                " WHERE rows = 0");
        tx.exec(std::string("CREATE INDEX ON ") + kind.missing_table + " (n)");
        auto& counts = pass.tally.counts;
        const auto duplicates = tx.exec_params(std::string("SELECT id FROM ") + kind.audit_table +
                                                   " WHERE copies > 1 ORDER BY n LIMIT $1",
                                               static_cast<long long>(pass.options.sample_size));
        for (const auto& row : duplicates)
            counts.duplicate_sample.push_back(row[0].as<std::string>());
        const auto found = tx.exec1(std::string("SELECT count(*) FILTER (WHERE rows = 0), "
                                                "count(*) FILTER (WHERE copies > 1) FROM ") +
                                    kind.audit_table);
        counts.duplicates = found[1].as<long long>();
        return found[0].as<long long>();
    });
}

// One batch of ids judged missing, written in one transaction with COPY
// (under the bucket locks: nothing else of this tool wrote them since).
void write_batch(KindPass& pass, const std::vector<std::string>& ids) {
    const auto writers = pass.writers(ids);
    const SingletonRows build(js_iso_timestamp(std::chrono::system_clock::now()));
    std::vector<SyncRow> rows;
    for (const auto& id : ids) {
        if (!pass.note_missing(id, writers)) continue;
        rows.push_back(pass.kind.row(build, id, writer_in(writers, id)));
    }
    if (!pass.options.write || rows.empty()) return;
    pass.sync.transact([&](pqxx::work& tx) { copy_rows(tx, rows); });
    pass.tally.counts.written += static_cast<long long>(rows.size());
}

} // namespace

void converge_set_based(KindPass& pass) {
    const auto& o = pass.options;
    std::optional<BucketLocks> buckets;
    if (o.write) buckets.emplace(pass.sync, pass.kind.locks, o.shard, o.shards);
    const auto candidates = audit(pass);
    pass.step_done("found what is missing and what is there twice");
    pass.for_each_batch(pass.kind.missing_table, candidates,
                        [&](const std::vector<std::string>& ids) { write_batch(pass, ids); });
    // The orphans among the candidates are not missing; stopped early, those
    // not yet looked at still count.
    pass.tally.counts.missing = candidates - pass.tally.orphans;
    buckets.reset();
    pass.step_done(o.write ? "wrote the missing" : "looked up the writers");
}

} // namespace mana
