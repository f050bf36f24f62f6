// The set-based strategy, for a sync role that bypasses row-level security:
// one aggregate per scope finds what each of its kinds misses (and has
// twice), the writers
// of missing Spaces are looked up batch by batch, then COPY writes it all in
// batches, each its own transaction, all under the kind's bucket locks of
// the shard, held from the aggregate to the last batch so that no per-item
// writer writes what was judged missing.
#include "jobs/converge.hpp"
#include "pg/locks.hpp"
#include "sync/sync_changes.hpp"
#include "util/text.hpp"
#include "util/time.hpp"

namespace mana {
namespace {

// The writers of --since's ids, for this transaction (ScopeShape::writers_sql).
constexpr const char* writers_table = "pg_temp.mana_reconcile_writers";

// The change log's rows of each (user_id, id) pair of the writers table; IS
// NOT NULL lets a partial index such as the Space-scoped one serve them.
std::string rows_of_writers(const ScopeShape& shape) {
    const std::string id = shape.id_column;
    return std::string(writers_table) + " k JOIN sync_changes s ON s.user_id = k.user_id AND s." +
           id + " = k." + id + " AND s." + id + " IS NOT NULL";
}

// Whether a kind misses the item or has it twice.
std::string any_off(const std::vector<const SingletonKind*>& kinds) {
    return "(" +
           join(per_kind(kinds,
                         [](const SingletonKind& kind) {
                             return kind.copies_column + " IS NULL OR " + kind.copies_column +
                                    " > 1";
                         }),
                " OR ") +
           ")";
}

std::string copies_columns(const std::vector<const SingletonKind*>& kinds) {
    return join(per_kind(kinds, [](const SingletonKind& kind) { return kind.copies_column; }));
}

// The items of ids that a kind has no row of among rows (weighted_rows),
// or twice: (id, n, born, each kind's copies), by one aggregate over both,
// scanning each once whatever the number of kinds.
std::string grouped(const std::vector<const SingletonKind*>& kinds, const std::string& ids,
                    const std::string& rows) {
    return "SELECT id, n, born, " + copies_columns(kinds) +
           " FROM (SELECT u.id, max(u.n) AS n, max(u.born) AS born, " + copies_of(kinds, "u") +
           " FROM (SELECT t.id, t.n, t.born, NULL::int AS k, NULL::int AS w FROM " + ids +
           " t UNION ALL SELECT r.id, NULL, NULL, r.k, r.w FROM (" + rows +
           ") r) u GROUP BY u.id) g WHERE n IS NOT NULL AND " + any_off(kinds);
}

// The items of the ids table that a kind of the scope has no row of, or
// twice: (id, n, born, each kind's copies). Every id: the aggregate over all the
// kinds' rows (1.05 s at a million for one kind; an anti-join alone is
// 0.55 s, a join then a grouping 1.8 s; three counts instead of the one
// sum, 1.2 to 1.6 s and a fifth more memory). The ids of --since: a join,
// which looks each up by index where one serves it; where none does, the
// aggregate over the rows of each pair of the writers table, when that is
// the cheaper (not a join: the planner judges those rows as one, and looped
// over every id for each).
std::string audit_query(const KindPass& first, const std::vector<const SingletonKind*>& kinds,
                        QueryValues& values, bool by_writers) {
    const auto& shape = first.kind().shape();
    const std::string ids = shape.ids_table;
    if (!first.only_new()) return grouped(kinds, ids, weighted_rows(kinds, values));
    if (by_writers)
        return grouped(kinds, ids, weighted_rows(kinds, values, rows_of_writers(shape)));
    return "SELECT * FROM (SELECT t.id, t.n, t.born, " + copies_of(kinds, "r") + " FROM " + ids +
           " t LEFT JOIN (" + weighted_rows(kinds, values) +
           ") r ON r.id = t.id GROUP BY t.id, t.n, t.born) g WHERE " + any_off(kinds);
}

// Whether to find the rows of --since's ids by their writers: a probe per
// id, about 8 us, where a scan of the change log costs about 0.1 us a row;
// so while the ids are under a hundredth of its rows. At 6.8 million rows:
// 1,000 new Spaces in 0.13 s by probes against 0.39 s by the scan, a million
// in 8.1 s against 2.3 s.
bool few_enough_to_probe(pqxx::work& tx, const KindPass& first) {
    if (!first.only_new() || first.kind().shape().writers_sql.empty()) return false;
    const auto rows =
        tx.exec1("SELECT reltuples FROM pg_class WHERE oid = 'sync_changes'::regclass")[0]
            .as<double>();
    return static_cast<double>(first.tally().counts.scanned) * 100 <= rows;
}

// Analyzed: from the ids alone the planner misjudges how many have rows by
// ten times and more, and reads every row of the kind instead of probing.
void make_writers_table(pqxx::work& tx, const ScopeShape& shape) {
    tx.exec(std::string("CREATE TEMP TABLE ") + writers_table + " ON COMMIT DROP AS " +
            shape.writers_sql);
    tx.exec(std::string("ANALYZE ") + writers_table);
}

// A temporary table of the rows of `rows`, numbered n from 1 in `order` and
// indexed on n, for KindPass::for_each_batch.
void make_numbered_table(pqxx::work& tx, const std::string& table, const std::string& columns,
                         const std::string& rows, const char* order) {
    tx.exec("CREATE TEMP TABLE " + table + " AS SELECT row_number() OVER (ORDER BY " + order +
            ") AS n, " + columns + " FROM " + rows);
    tx.exec("CREATE INDEX ON " + table + " (n)");
}

// From the scope's audit table: the kind's items without a row (into its
// missing_table with their creation, counted as candidates) and those
// written more than once.
void take_kind(pqxx::work& tx, KindPass& pass) {
    const auto& kind = pass.kind();
    const std::string audit = kind.shape().audit_table;
    const auto& copies = kind.copies_column;
    make_numbered_table(tx, kind.missing_table, "id, born", audit + " WHERE " + copies + " IS NULL",
                        "n");
    auto& counts = pass.tally().counts;
    const auto duplicates =
        tx.exec_params("SELECT id FROM " + audit + " WHERE " + copies + " > 1 ORDER BY n LIMIT $1",
                       static_cast<long long>(pass.options().sample_size));
    for (const auto& row : duplicates)
        counts.duplicate_sample.push_back(row[0].as<std::string>());
    const auto found =
        tx.exec1("SELECT count(*) FILTER (WHERE " + copies + " IS NULL), count(*) FILTER (WHERE " +
                 copies + " > 1) FROM " + audit);
    counts.duplicates = found[1].as<long long>();
    pass.set_candidates(found[0].as<long long>());
}

// The missing of one batch of (id, born) that have a writer, counted and
// aged by the oldest's creation, read with the ids (a lookup of 5,000 ids'
// created_at in the auth database took 0.2 s a batch, 9 s of a run at a
// million); when writing, kept with the user_id their row will have (a
// Space's writer, a user itself).
void keep_writable(KindPass& pass, const pqxx::result& batch) {
    const auto ids = first_column(batch);
    const auto writers = pass.writers(ids);
    std::vector<std::tuple<std::string, std::string>> writable;
    std::optional<long long> oldest_born;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& id = ids[i];
        if (!pass.note_missing(id, writers)) continue;
        const auto born = batch[static_cast<int>(i)][1];
        if (!born.is_null() && (!oldest_born || born.as<long long>() < *oldest_born))
            oldest_born = born.as<long long>();
        writable.emplace_back(id, pass.kind().shape().needs_writer ? writer_in(writers, id) : id);
    }
    pass.age_missing_from(oldest_born);
    if (!pass.options().write || writable.empty()) return;
    pass.sync().transact([&](pqxx::work& tx) {
        pqxx::stream_to out{tx, pass.kind().writable_table,
                            std::vector<std::string>{"id", "user_id"}};
        for (const auto& row : writable)
            out << row;
        out.complete();
    });
}

// The kept rows numbered in the order of user_id, which leads three of the
// change log's indexes: so each batch goes into the index pages next to
// the last one's, not into pages scattered over all of them (a tenth of 3
// million users and Spaces missing: 29 to 33 s instead of 38 to 40 s).
void number_for_writing(KindPass& pass) {
    const auto& kind = pass.kind();
    pass.sync().transact([&](pqxx::work& tx) {
        make_numbered_table(tx, kind.write_table, "id, user_id", kind.writable_table,
                            "user_id, id");
    });
}

// One batch of (id, user_id), written in one transaction with COPY (under
// the bucket locks: nothing else of this tool wrote them since the audit).
void write_batch(KindPass& pass, const pqxx::result& batch) {
    const KindRows build(pass.kind().kind(), js_iso_timestamp(std::chrono::system_clock::now()));
    std::vector<SyncRow> rows;
    for (const auto& item : batch)
        rows.push_back(build.row(item[0].as<std::string>(), item[1].as<std::string>()));
    pass.sync().transact([&](pqxx::work& tx) { copy_rows(tx, rows); });
    pass.tally().counts.written += static_cast<long long>(rows.size());
}

} // namespace

void audit_set_based(const std::vector<KindPass*>& scope) {
    auto& first = *scope.front();
    std::vector<const SingletonKind*> kinds;
    for (auto* pass : scope) {
        kinds.push_back(&pass->kind());
        if (first.options().write && !pass->kind().kind().retired) pass->hold_buckets();
    }
    first.progress("checking", 0, 0);
    first.sync().transact([&](pqxx::work& tx) {
        const bool by_writers = few_enough_to_probe(tx, first);
        if (by_writers) make_writers_table(tx, first.kind().shape());
        // Bound, so that the plan is made for the kinds' own rows: a
        // Space kind's table_name read from a setting, the planner judged
        // a fifth of the change log its rows and read it whole (0.8 s more
        // at a million Spaces).
        BoundValues values;
        const auto audit = audit_query(first, kinds, values, by_writers);
        values.exec(tx, std::string("CREATE TEMP TABLE ") + first.kind().shape().audit_table +
                            " AS " + audit);
        for (auto* pass : scope)
            take_kind(tx, *pass);
    });
    first.step_done("found what is missing and what is there twice");
}

bool find_set_based(KindPass& pass) {
    const auto& o = pass.options();
    const auto& kind = pass.kind();
    if (kind.kind().retired) return true;
    if (o.write) {
        pass.sync().transact([&](pqxx::work& tx) {
            tx.exec("CREATE TEMP TABLE " + kind.writable_table + " (id text, user_id text)");
        });
    }
    // Every writer first, so that the rows can go in in the order of theirs.
    const auto candidates = pass.candidates();
    const bool looked_at_all =
        pass.for_each_batch("checking", kind.missing_table.c_str(), "id, born", candidates,
                            [&](const pqxx::result& batch) { keep_writable(pass, batch); });
    // The orphans among the candidates are not missing; stopped early, those
    // not yet looked at still count.
    pass.tally().counts.missing = candidates - pass.tally().orphans;
    pass.step_done("looked up the writers");
    return looked_at_all;
}

void write_set_based(KindPass& pass) {
    number_for_writing(pass);
    pass.for_each_write_batch(pass.kind().write_table.c_str(), "id, user_id", pass.found_missing(),
                              [&](const pqxx::result& batch) { write_batch(pass, batch); });
    pass.release_buckets();
    pass.step_done("wrote the missing");
}

} // namespace mana
