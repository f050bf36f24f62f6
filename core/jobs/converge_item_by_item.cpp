// The item-by-item strategy, for a sync role bound by row-level security
// (it cannot see other users' rows in one query): each item is checked, and
// the missing ones then written, each in its own scoped and locked
// transaction, exactly as bootstrap does. The check of every item comes
// first, so that --max-writes is decided before the first write; the
// missing go into a temporary table of the sync session meanwhile, so that
// memory does not grow with them.
#include "jobs/converge.hpp"

namespace mana {
namespace {

void count_failure(KindPass& pass, const ItemFailure& failure) {
    ++pass.tally().counts.failed;
    add_sample(pass.tally().failures, failure, pass.options().sample_size);
}

// Checks each id of a batch; keeps the missing that have a writer, with it,
// numbered from next_n on, in kind.write_table.
void check_items(KindPass& pass, const std::vector<std::string>& ids, long long& next_n) {
    const auto writers = pass.writers(ids);
    std::vector<std::tuple<long long, std::string, std::string>> missing;
    for (const auto& id : ids) {
        if (pass.stopping()) return;
        Outcome outcome = Outcome::present;
        const auto failure = attempt(
            id, [&] { outcome = pass.kind().ensure(pass.sync(), id, writer_in(writers, id), true); });
        if (failure) {
            count_failure(pass, *failure);
            continue;
        }
        if (outcome == Outcome::present || !pass.note_missing(id, writers)) continue;
        missing.emplace_back(next_n++, id,
                             pass.kind().shape().needs_writer ? writer_in(writers, id) : id);
    }
    pass.age_missing(pass.auth());
    if (!pass.options().write || missing.empty()) return;
    pass.sync().transact([&](pqxx::work& tx) {
        pqxx::stream_to out{tx, pass.kind().write_table,
                            std::vector<std::string>{"n", "id", "user_id"}};
        for (const auto& row : missing)
            out << row;
        out.complete();
    });
}

// Writes each kept id that is still missing under its item lock (another
// writer may have written it since the check).
void write_items(KindPass& pass, const pqxx::result& batch) {
    for (const auto& row : batch) {
        if (pass.stopping()) return;
        const auto id = row[0].as<std::string>();
        Outcome outcome = Outcome::present;
        const auto failure = attempt(id, [&] {
            outcome = pass.kind().ensure(pass.sync(), id, row[1].as<std::string>(), false);
        });
        if (failure) count_failure(pass, *failure);
        if (outcome == Outcome::written) ++pass.tally().counts.written;
    }
}

} // namespace

// A retired kind is not looked at: item by item, nothing is counted twice.
bool find_item_by_item(KindPass& pass) {
    const auto& kind = pass.kind();
    if (kind.kind().retired) return true;
    if (pass.options().write) {
        pass.sync().transact([&](pqxx::work& tx) {
            tx.exec("CREATE TEMP TABLE " + kind.write_table +
                    " (n bigint PRIMARY KEY, id text, user_id text)");
        });
    }
    long long next_n = 1;
    const bool checked_all = pass.for_each_batch(
        "checking", kind.shape().ids_table, "id", pass.tally().counts.scanned,
        [&](const pqxx::result& batch) { check_items(pass, first_column(batch), next_n); });
    // Only a check of every item tells how many are missing.
    if (!checked_all || pass.stopping()) return false;
    pass.tally().counts.missing = pass.found_missing();
    pass.step_done("checked item by item");
    return true;
}

void write_item_by_item(KindPass& pass) {
    pass.for_each_write_batch(pass.kind().write_table.c_str(), "id, user_id", pass.found_missing(),
                              [&](const pqxx::result& batch) { write_items(pass, batch); });
    pass.step_done("wrote item by item");
}

} // namespace mana
