// register --from --dry-run: each row judged as register_batch would run
// it, against the databases and the rows before it, read only.
#include "jobs/batch_register.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"

#include <map>

namespace mana {
namespace {

// An address as the rows before have left it.
struct KnownAddress {
    // Its user, with the fields those rows would give it; an empty personal
    // Space id is the one that an earlier row would create.
    std::optional<StoredUser> user;
    std::size_t created_by = 0;                // the line that would create the user
    std::optional<SingletonReport> singletons; // as the last row left them
};

class DryRun {
  public:
    DryRun(Database& auth, Database* sync, const BatchOptions& options,
           const BatchCallbacks& callbacks)
        : auth_(auth), sync_(sync), options_(options), callbacks_(callbacks),
          irregular_(IrregularEmails::load(auth)) {}

    BatchSummary run(SignUpReader& reader) {
        InputRow row;
        while (!stop_requested() && reader.next(row)) {
            try {
                judge(row);
            } catch (const Fatal& e) {
                // Every row after it would fail the same way.
                fail(row, {row.sign_up.email, e.what()});
                summary_.stopped = {row.line, e.what()};
                break;
            }
            if (callbacks_.on_progress) callbacks_.on_progress(summary_);
        }
        summary_.interrupted = stop_requested();
        summary_.would_write = summary_.would_write || summary_.singletons_written > 0;
        return summary_;
    }

  private:
    void fail(const InputRow& row, const ItemFailure& failure) {
        ++summary_.failed;
        if (callbacks_.on_failure) callbacks_.on_failure({row.line, failure, row});
    }

    void judge(const InputRow& row) {
        if (!row.error.empty()) return fail(row, {row.sign_up.email, row.error});
        PreparedSignUp s;
        if (const auto failed =
                attempt(row.sign_up.email, [&] { s = checked_sign_up(row.sign_up); }))
            return fail(row, *failed);
        const bool sets_password = row.sign_up.password || row.sign_up.password_hash;
        KnownAddress* known; // not attempt(): g++ then sees a null pointer
        try {
            known = &address(s.email);
        } catch (const Error& e) {
            return fail(row, {s.email, e.what()}); // two stored users for it
        }
        if (!known->user) return create(row, s, sets_password, *known);

        auto& user = *known->user;
        const AddressHolder holder{known->created_by
                                       ? "created by line " + std::to_string(known->created_by)
                                       : "user " + user.id,
                                   user.soft_deleted};
        RegisterAction action{};
        if (const auto failed = attempt(s.email, [&] {
                action = action_for_existing(s.email, holder, options_.if_exists);
            }))
            return fail(row, *failed);
        RowDone done{row.line, s.email, action, user.id, known->created_by, user.soft_deleted, {}};
        const bool creates_space = action == RegisterAction::updated && !user.personal_space_id;
        if (action == RegisterAction::updated) {
            ++summary_.updated;
            done.changes = field_changes(user.fields, s, sets_password);
            user.fields = with_changes(user.fields, done.changes);
            if (!done.changes.empty() || creates_space) summary_.would_write = true;
        } else {
            ++summary_.skipped;
        }
        if (callbacks_.on_row) callbacks_.on_row(done);
        if (!user.soft_deleted && options_.bootstrap) {
            known->singletons = singletons_after(*known, action, creates_space);
            summary_.count_singletons(*known->singletons);
        }
        if (creates_space) user.personal_space_id = ""; // for the rows after it
    }

    void create(const InputRow& row, const PreparedSignUp& s, bool sets_password,
                KnownAddress& known) {
        if (!sets_password) return fail(row, {s.email, new_user_without_password(s.email).what()});
        ++summary_.created;
        summary_.would_write = true;
        known.user = StoredUser{"", false, new_user_fields(s), ""};
        known.created_by = row.line;
        if (callbacks_.on_row)
            callbacks_.on_row({row.line, s.email, RegisterAction::created, "", 0, false, {}});
        if (!options_.bootstrap) return;
        auto report = unwritten_singletons(options_.catalog);
        for (auto& kind : report.kinds)
            kind.second = Outcome::would_write;
        known.singletons = report;
        summary_.count_singletons(report);
    }

    // What the row finds of the user's singletons and its personal Space's
    // (creates_space: the row would create the Space, and write them).
    SingletonReport singletons_after(const KnownAddress& known, RegisterAction action,
                                     bool creates_space) {
        SingletonReport report;
        if (known.singletons) {
            report = *known.singletons; // an earlier row would write them
            for (auto& kind : report.kinds)
                if (kind.second == Outcome::would_write) kind.second = Outcome::present;
        } else {
            const auto& user = *known.user;
            const Registration registration{
                action, user.id, "", user.personal_space_id.value_or(""), "", false, {}, false};
            report = write_sign_up_singletons(auth_, *sync_, options_.catalog, registration, true);
        }
        if (creates_space) {
            const auto user_kinds = writable_kinds(options_.catalog, Scope::user).size();
            for (auto kind = report.kinds.begin() + static_cast<long>(user_kinds);
                 kind != report.kinds.end(); ++kind)
                kind->second = Outcome::would_write;
        }
        return report;
    }

    // The address as the rows before left it; the database's answer the
    // first time it is seen.
    KnownAddress& address(const std::string& email) {
        auto known = known_.find(email);
        if (known == known_.end()) {
            known = known_
                        .emplace(email, KnownAddress{find_registered(auth_, email, irregular_), 0,
                                                     std::nullopt})
                        .first;
        }
        return known->second;
    }

    Database& auth_;
    Database* sync_;
    const BatchOptions& options_;
    const BatchCallbacks& callbacks_;
    IrregularEmails irregular_;
    std::map<std::string, KnownAddress> known_; // by normalised address
    BatchSummary summary_;
};

} // namespace

BatchSummary dry_run_batch(Database& auth, Database* sync, SignUpReader& reader,
                           const BatchOptions& options, const BatchCallbacks& callbacks) {
    return DryRun(auth, sync, options, callbacks).run(reader);
}

} // namespace mana
