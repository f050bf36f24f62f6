// The set-based strategy, for a sync role that bypasses row-level security:
// one anti-join finds what is missing, COPY writes it in batches, each its
// own transaction, all under the kind's bucket locks of the shard, held
// from the anti-join to the last batch so that no per-item writer writes
// what was judged missing. The writers of missing Spaces are looked up
// batch by batch.
#include "converge.hpp"
#include "locks.hpp"

#include <optional>

namespace mana {
namespace {

// How many ids lack their singleton, in kind.missing_table.
long long find_missing(KindPass& pass) {
    const auto& kind = pass.kind;
    pass.progress("checking", 0, 0);
    return pass.sync.transact([&](pqxx::work& tx) {
        tx.exec(std::string("CREATE TEMP TABLE ") + kind.missing_table +
                " AS SELECT row_number() OVER (ORDER BY t.n) AS n, t.id FROM " + kind.ids_table +
                " t WHERE NOT EXISTS (SELECT 1 FROM sync_changes s WHERE " + kind.exists_sql + ")");
        tx.exec(std::string("CREATE INDEX ON ") + kind.missing_table + " (n)");
        return tx.exec(std::string("SELECT count(*) FROM ") + kind.missing_table)[0][0]
            .as<long long>();
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
    const auto candidates = find_missing(pass);
    pass.step_done("found what is missing");
    pass.for_each_batch(pass.kind.missing_table, candidates,
                        [&](const std::vector<std::string>& ids) { write_batch(pass, ids); });
    // The orphans among the candidates are not missing; stopped early, those
    // not yet looked at still count.
    pass.tally.counts.missing = candidates - pass.tally.orphans;
    buckets.reset();
    pass.step_done(o.write ? "wrote the missing" : "looked up the writers");
}

} // namespace mana
