#include "sync/sign_up_singletons.hpp"

#include "pg/privileges.hpp"
#include "pg/schema.hpp"
#include "sync/sync_changes.hpp"
#include "util/error.hpp"
#include "util/option_names.hpp"

namespace mana {

RegistrationSync check_sync_for_registration(ConnectAttempt sync_attempt, const Catalog& catalog) {
    RegistrationSync reached{std::move(sync_attempt.db), std::move(sync_attempt.error)};
    if (!reached.db) return reached;
    Database& sync = *reached.db;
    // A wrong database or role, or one that refuses the rows: stop before
    // the first write. Reached and refusing is no outage: reconcile could
    // not write them either.
    require_schema(sync);
    require_privilege(sync, sync_read_and_insert);
    require_sync_changes_filled(sync, "register");
    try {
        try_singleton_rows(sync, catalog);
    } catch (const Error& e) {
        const std::string prefix = std::string(sync.label()) + ": ";
        std::string why = e.what();
        if (why.rfind(prefix, 0) == 0) why.erase(0, prefix.size());
        throw failure(prefix + "refuses the singletons' rows (" + why +
                      "; tried and rolled back): fix the sync database, or register with " +
                      option_name(Option::no_bootstrap) + "; nothing was written");
    }
    return reached;
}

void check_sync_for_dry_run(Database& sync) {
    require_sync_changes_filled(sync, "register");
}

SingletonReport unwritten_singletons(const Catalog& catalog) {
    SingletonReport report;
    for (const auto scope : {Scope::user, Scope::space})
        for (const auto* kind : writable_kinds(catalog, scope))
            report.kinds.emplace_back(kind->name, std::nullopt);
    return report;
}

SingletonReport write_sign_up_singletons(Database& auth, Database& sync, const Catalog& catalog,
                                         const Registration& registration, bool dry_run) {
    auto report = unwritten_singletons(catalog);
    const auto kinds_of_user = writable_kinds(catalog, Scope::user);
    const auto kinds_of_space = writable_kinds(catalog, Scope::space);
    // Read before anything is written: a failure of the auth database is
    // not the sync database's, and stops a batch (a Fatal) with neither
    // singleton written.
    const auto space = registration.space_id.empty()
                           ? std::nullopt
                           : find_space_by_id(auth, registration.space_id);
    try {
        auto outcome = report.kinds.begin();
        for (const auto* kind : kinds_of_user)
            (outcome++)->second = ensure_user_singleton(sync, *kind, registration.user_id, dry_run);
        if (space && space->writer) {
            for (const auto* kind : kinds_of_space) {
                (outcome++)->second = ensure_space_singleton(
                    sync, *kind,
                    {space->id, *space->writer, space->member_ids, registration.space_created},
                    dry_run);
            }
        }
    } catch (const Error& e) {
        report.error = e.what();
    }
    return report;
}

} // namespace mana
