#include "jobs/batch_register.hpp"

#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/worker_pool.hpp"

#include <deque>
#include <future>
#include <memory>

namespace mana {
namespace {

struct Prepared {
    std::optional<PreparedSignUp> sign_up; // none: see failed
    std::optional<ItemFailure> failed;
};

struct Pending {
    InputRow row;
    std::future<Prepared> prepared; // not valid when the row could not be read
};

Prepared prepare(const SignUp& sign_up) {
    Prepared prepared;
    prepared.failed = attempt(sign_up.email, [&] { prepared.sign_up = prepare_sign_up(sign_up); });
    return prepared;
}

class BatchRun {
  public:
    BatchRun(Database& auth, const RegistrationSchema& schema, RegistrationSync& sync,
             const BatchOptions& options, const BatchCallbacks& callbacks)
        : auth_(auth), schema_(schema), sync_(sync), options_(options), callbacks_(callbacks),
          irregular_(IrregularEmails::load(auth)) {
        summary_.sync_error = sync.outage;
    }

    void fail(const InputRow& row, const ItemFailure& failure) {
        ++summary_.failed;
        if (callbacks_.on_failure) callbacks_.on_failure({row.line, failure, row});
    }

    void commit(const InputRow& row, const PreparedSignUp& sign_up) {
        Registration registration;
        try {
            if (const auto failed = attempt(row.sign_up.email, [&] {
                    registration =
                        register_in_auth(auth_, schema_, sign_up, options_.if_exists, irregular_);
                })) {
                fail(row, *failed);
                return;
            }
        } catch (const Fatal& e) {
            fail(row, {row.sign_up.email, e.what()}); // not committed
            throw;
        }
        switch (registration.action) {
        case RegisterAction::created:
            ++summary_.created;
            break;
        case RegisterAction::updated:
            ++summary_.updated;
            break;
        case RegisterAction::skipped:
            ++summary_.skipped;
            break;
        }
        if (callbacks_.on_row) {
            callbacks_.on_row({row.line, registration.email, registration.action,
                               registration.user_id, 0, registration.soft_deleted,
                               registration.changes});
        }
        // A skipped live user's singletons are finished as a sign-up's are:
        // an earlier run may have stopped between the user and them.
        if (registration.soft_deleted) return;
        if (!options_.bootstrap) return;
        auto report = unwritten_singletons(options_.catalog);
        try {
            if (sync_.db)
                report = write_sign_up_singletons(auth_, *sync_.db, options_.catalog, registration,
                                                  false);
        } catch (const Fatal&) {
            summary_.half_done.push_back({row.line, registration.email, registration.user_id});
            throw;
        } catch (const Error& e) {
            report.error = e.what();
        }
        summary_.count_singletons(report);
    }

    BatchSummary run(SignUpReader& reader) {
        WorkerPool pool(options_.jobs);
        std::deque<Pending> window; // rows read ahead, hashing in the pool
        const std::size_t ahead = 2 * static_cast<std::size_t>(pool.size());
        bool more = true;
        while (!stop_requested()) {
            while (more && window.size() < ahead) {
                Pending pending;
                if (!(more = reader.next(pending.row))) break;
                if (pending.row.error.empty()) {
                    pending.prepared =
                        pool.submit([sign_up = pending.row.sign_up] { return prepare(sign_up); });
                }
                window.push_back(std::move(pending));
            }
            if (window.empty()) break;
            auto pending = std::move(window.front());
            window.pop_front();
            if (!pending.prepared.valid()) {
                fail(pending.row, {pending.row.sign_up.email, pending.row.error});
            } else if (auto prepared = pending.prepared.get(); prepared.failed) {
                fail(pending.row, *prepared.failed);
            } else {
                try {
                    commit(pending.row, *prepared.sign_up);
                } catch (const Fatal& e) {
                    // Every row after it would fail the same way.
                    summary_.stopped = {pending.row.line, e.what()};
                    break;
                }
            }
            if (callbacks_.on_progress) callbacks_.on_progress(summary_);
        }
        summary_.interrupted = stop_requested();
        return summary_;
    }

  private:
    Database& auth_;
    const RegistrationSchema& schema_;
    RegistrationSync& sync_;
    const BatchOptions& options_;
    const BatchCallbacks& callbacks_;
    IrregularEmails irregular_; // one scan for the whole batch
    BatchSummary summary_;
};

} // namespace

void BatchSummary::count_singletons(const SingletonReport& report) {
    if (report.error && !sync_error) sync_error = report.error;
    for (const auto& kind : report.kinds) {
        if (!kind.second)
            ++singletons_not_written;
        else if (*kind.second == Outcome::present)
            ++singletons_present;
        else
            ++singletons_written;
    }
}

BatchSummary register_batch(Database& auth, const RegistrationSchema& schema,
                            RegistrationSync& sync, SignUpReader& reader,
                            const BatchOptions& options, const BatchCallbacks& callbacks) {
    return BatchRun(auth, schema, sync, options, callbacks).run(reader);
}

} // namespace mana
