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

// One aggregate over the ids and the kind's rows, grouped by item: those
// with no row are missing (kind.missing_table), those whose singleton was
// created more than once are counted as duplicates. One pass where an
// anti-join plus a count of copies would scan the kind's rows twice.
// Returns how many are missing.
long long audit(KindPass& pass) {
    const auto& kind = pass.kind;
    pass.progress("checking", 0, 0);
    return pass.sync.transact([&](pqxx::work& tx) {
        tx.exec(std::string("CREATE TEMP TABLE ") + kind.audit_table +
                " AS SELECT id, n, copies, rows FROM (SELECT u.id, max(u.n) AS n, count(u.op) AS "
                "rows, count(*) FILTER (WHERE u.op = 'insert') - count(*) FILTER (WHERE u.op = "
                "'delete') AS copies FROM (SELECT t.id, t.n, NULL::text AS op FROM " +
                kind.ids_table + " t UNION ALL SELECT s." + kind.id_column +
                ", NULL, s.op FROM sync_changes s WHERE " + kind.rows_sql +
                ") u GROUP BY u.id) g WHERE n IS NOT NULL AND (rows = 0 OR copies > 1)");
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
