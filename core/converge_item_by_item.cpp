// The item-by-item strategy, for a sync role bound by row-level security
// (it cannot see other users' rows in one query): each item is checked, and
// written, in its own scoped and locked transaction, exactly as bootstrap
// does.
#include "converge.hpp"
namespace mana {
namespace {

void converge_items(KindPass& pass, const std::vector<std::string>& ids) {
    const auto writers = pass.writers(ids);
    for (const auto& id : ids) {
        if (pass.stopping()) return;
        Outcome outcome = Outcome::present;
        const auto failure = attempt(id, [&] {
            outcome = pass.kind.ensure(pass.sync, id, writer_in(writers, id), !pass.options.write);
        });
        if (failure) {
            ++pass.tally.counts.failed;
            add_sample(pass.tally.failures, *failure, pass.options.sample_size);
            continue;
        }
        if (outcome == Outcome::present || !pass.note_missing(id, writers)) continue;
        if (outcome == Outcome::written) ++pass.tally.counts.written;
    }
}

} // namespace

void converge_item_by_item(KindPass& pass) {
    // Only a check of every item tells how many are missing.
    const bool checked_all =
        pass.for_each_batch(pass.options.write ? "writing" : "checking", pass.kind.ids_table, "id",
                            pass.tally.counts.scanned, [&](const pqxx::result& batch) {
                                converge_items(pass, first_column(batch));
                            });
    if (checked_all) pass.tally.counts.missing = pass.found_missing();
    pass.step_done("checked item by item");
}

} // namespace mana
