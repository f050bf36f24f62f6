#include "jobs/converge.hpp"

#include "auth/directory.hpp"
#include "pg/locks.hpp"
#include "util/interrupt.hpp"
#include "util/option_names.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include <tuple>

namespace mana {
namespace {

// A line of COPY's text format, written to a stream_to as it is. libpqxx 6.4
// has no public raw writer, and its per-field escaper is the one hook: the
// ids come from COPY TO in the same format, and unescaping then escaping them
// again was half of this process's CPU while loading them.
struct CopyLine {
    std::string text;
};

} // namespace
} // namespace mana

template <>
inline std::string
pqxx::internal::TypedCopyEscaper::operator()<mana::CopyLine>(const mana::CopyLine* line) const {
    return line->text;
}

namespace mana {

std::string weighted_rows(const std::vector<const SingletonKind*>& kinds, QueryValues& values,
                          const std::string& rows) {
    std::string kind = std::to_string(kinds.front()->number());
    std::vector<std::string> conditions;
    conditions.reserve(kinds.size());
    for (const auto* k : kinds)
        conditions.push_back("(" + k->rows_sql(values) + ")");
    if (kinds.size() > 1) {
        kind = "CASE";
        for (std::size_t i = 0; i < kinds.size(); ++i)
            kind += " WHEN " + conditions[i] + " THEN " + std::to_string(kinds[i]->number());
        kind += " END";
    }
    return std::string("SELECT s.") + kinds.front()->shape().id_column + " AS id, " + kind +
           " AS k, CASE s.op WHEN 'insert' THEN 1 WHEN 'delete' THEN -1 ELSE 0 END AS w FROM " +
           rows + " WHERE " + join(conditions, " OR ");
}

std::string copies_of(const std::vector<const SingletonKind*>& kinds, const std::string& r) {
    return join(per_kind(kinds, [&](const SingletonKind& kind) {
        const auto filter = kinds.size() == 1 ? std::string()
                                              : " FILTER (WHERE " + r +
                                                    ".k = " + std::to_string(kind.number()) + ")";
        return "sum(" + r + ".w)" + filter + " AS " + kind.copies_column;
    }));
}

std::vector<std::string> first_column(const pqxx::result& rows) {
    std::vector<std::string> values;
    values.reserve(rows.size());
    for (const auto& row : rows)
        values.push_back(row[0].as<std::string>());
    return values;
}

std::string writer_in(const std::map<std::string, std::string>& writers, const std::string& id) {
    const auto writer = writers.find(id);
    return writer == writers.end() ? "" : writer->second;
}

bool WriteGate::open(long long would_write, long long looked_at,
                     const std::function<bool()>& stopping) {
    if (!bound_) return true;
    std::unique_lock<std::mutex> lock(mutex_);
    would_write_ += would_write;
    looked_at_ += looked_at;
    if (++arrived_ == scopes_) {
        const auto bound = bound_->limit(looked_at_);
        if (would_write_ > bound) refusal_ = Refusal{would_write_, bound, looked_at_};
        all_arrived_.notify_all();
    }
    // A scope that fails or is stopped never arrives: the run stops then.
    while (arrived_ < scopes_) {
        if (stopping()) return false;
        all_arrived_.wait_for(lock, std::chrono::milliseconds(50));
    }
    return !refusal_;
}

std::optional<Refusal> WriteGate::refusal() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return refusal_;
}

long long Pacer::batch_size(long long asked) const {
    return rate_ ? std::min(asked, *rate_) : asked;
}

bool Pacer::admit(long long rows, const std::function<bool()>& stopping) {
    if (!rate_) return !stopping();
    std::chrono::steady_clock::time_point due;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!start_) start_ = std::chrono::steady_clock::now();
        admitted_ += rows;
        // Written by `due`, the rows so far average the rate at most.
        due = *start_ + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                            std::chrono::duration<double>(static_cast<double>(admitted_) /
                                                          static_cast<double>(*rate_)));
    }
    return sleep_until_unless(due, stopping);
}

bool KindPass::stopping() const {
    return stop_requested() || control_.cancelled;
}

void KindPass::step_done(const char* what) {
    const auto now = std::chrono::steady_clock::now();
    spdlog::debug("{}: {} in {:.2f} s", kind_.name(), what,
                  std::chrono::duration<double>(now - step_start_).count());
    step_start_ = now;
}

std::string KindPass::ids_query(pqxx::transaction_base& auth_tx, bool with_born) const {
    // COPY takes no parameters: the query reads the moments from settings
    // of the transaction.
    for (const auto& [setting, value] : {std::pair{"mana.since", &window_.since},
                                         {"mana.until", &window_.until},
                                         {"mana.settled", &window_.settled}}) {
        if (!value->empty())
            auth_tx.exec_params("SELECT set_config($1, $2, true)", std::string(setting), *value);
    }
    return kind_.shape().ids_sql(window_, with_born);
}

bool KindPass::is_pending(std::string& line) const {
    if (window_.settled.empty()) return false;
    // The line ends in a tab and t or f (SingletonKind::ids_sql).
    const bool young = line.back() == 't';
    line.resize(line.size() - 2);
    return young;
}

void KindPass::drop_working_tables() {
    sync_.run([&](pqxx::connection& c) {
        pqxx::nontransaction tx{c};
        tx.exec("DROP TABLE IF EXISTS " +
                join({kind_.missing_table, kind_.writable_table, kind_.write_table}));
    });
}

void KindPass::hold_buckets() {
    buckets_.emplace(sync_, kind_.locks(), options_.shard, options_.shards);
}

void KindPass::share_ids(const KindPass& loaded) {
    tally_.counts.scanned = loaded.tally_.counts.scanned;
    tally_.counts.pending = loaded.tally_.counts.pending;
    loaded_at_ = loaded.loaded_at_;
    loaded_ = loaded.loaded_;
}

void KindPass::load_ids() {
    const std::string ids_table = kind_.shape().ids_table;
    sync_.run([&](pqxx::connection& c) {
        pqxx::nontransaction tx{c};
        tx.exec("DROP TABLE IF EXISTS " + ids_table + ", " + kind_.shape().audit_table);
        tx.exec("CREATE TEMP TABLE " + ids_table + " (n bigint, id text, born bigint)");
    });
    auto& counts = tally_.counts;
    auth_.run([&](pqxx::connection& a) {
        pqxx::read_transaction read{a};
        sync_.run([&](pqxx::connection& s) {
            pqxx::work write{s};
            loaded_at_ =
                read.exec1("SELECT floor(date_part('epoch', now()))::bigint")[0].as<long long>();
            loaded_ = std::chrono::steady_clock::now();
            pqxx::stream_from in{read, "(" + ids_query(read, true) + ")"};
            pqxx::stream_to out{write, ids_table, std::vector<std::string>{"n", "id", "born"}};
            // Read raw, numbered and counted here: parsing tuples, and a
            // serial column's nextval per row, cost a third of the load.
            // (Not `out << in`: libpqxx 6.4 then doubles every line end.)
            std::string line;
            std::string id;
            long long n = 0;
            while (in.get_raw_line(line)) {
                if (!line.empty() && line.back() == '\n') line.pop_back();
                const bool young = is_pending(line);
                if (options_.shards > 1) {
                    id = line.substr(0, line.find('\t')); // born follows
                    copy_line_to_value(id);
                    if (lock_bucket(id) % options_.shards != options_.shard) continue;
                }
                if (young) {
                    ++counts.pending;
                    continue;
                }
                out << std::make_tuple(CopyLine{std::to_string(++n) + '\t' + line});
            }
            in.complete();
            out.complete();
            counts.scanned = n;
            // The plans need the row count and that the ids are distinct: a
            // sample of 3,000 rows tells that in a tenth of the default's time.
            write.exec("SET LOCAL default_statistics_target = 10");
            write.exec("ANALYZE " + ids_table);
            write.commit();
        });
    });
    progress_("loading", counts.scanned, counts.scanned);
}

bool KindPass::for_each_batch(const char* step, const char* table, const char* columns,
                              long long total, const std::function<void(const pqxx::result&)>& f) {
    return batches(step, table, columns, total, options_.batch_size, f);
}

bool KindPass::for_each_write_batch(const char* table, const char* columns, long long total,
                                    const std::function<void(const pqxx::result&)>& f) {
    const auto stop = [this] { return stopping(); };
    return batches("writing", table, columns, total,
                   control_.pacer.batch_size(options_.batch_size), [&](const pqxx::result& rows) {
                       if (!control_.standbys.wait_until_caught_up(
                               sync_, stop, [this](const StandbyLag& lag) { wait_for(lag); }))
                           return;
                       lag_logged_.reset();
                       if (control_.pacer.admit(static_cast<long long>(rows.size()), stop))
                           f(rows);
                   });
}

void KindPass::wait_for(const StandbyLag& lag) {
    const auto now = std::chrono::steady_clock::now();
    progress_("waiting for a standby", tally_.counts.written, found_missing_);
    if (lag_logged_ && now - *lag_logged_ < std::chrono::seconds(10)) return;
    lag_logged_ = now;
    spdlog::info("{}: the standby {} is {:.1f} s behind, more than {} {} s: waiting before the "
                 "next batch",
                 kind_.name(), lag.standby, lag.seconds, option_name(Option::max_lag),
                 *options_.max_lag_seconds);
}

bool KindPass::batches(const char* step, const char* table, const char* columns, long long total,
                       long long size, const std::function<void(const pqxx::result&)>& f) {
    long long done = 0;
    for (long long first = 1; first <= total && !stopping(); first += size) {
        const auto rows = sync_.run([&](pqxx::connection& c) {
            pqxx::read_transaction tx{c};
            return tx.exec_params(std::string("SELECT ") + columns + " FROM " + table +
                                      " WHERE n BETWEEN $1 AND $2 ORDER BY n",
                                  first, first + size - 1);
        });
        f(rows);
        done += static_cast<long long>(rows.size());
        progress_(step, done, total);
    }
    return done == total;
}

std::map<std::string, std::string> KindPass::writers(const std::vector<std::string>& ids) {
    return kind_.shape().needs_writer ? writers_of(auth_, ids)
                                      : std::map<std::string, std::string>{};
}

bool KindPass::note_missing(const std::string& id,
                            const std::map<std::string, std::string>& writers) {
    if (kind_.shape().needs_writer && !writers.count(id)) {
        ++tally_.orphans;
        add_sample(tally_.orphan_sample, id, options_.sample_size);
        return false;
    }
    ++found_missing_;
    add_sample(tally_.counts.missing_sample, id, options_.sample_size);
    unaged_.push_back(id);
    return true;
}

void KindPass::age_missing(Database& auth_db) {
    if (unaged_.empty()) return;
    const auto age = auth_db.run([&](pqxx::connection& c) -> std::optional<long long> {
        pqxx::read_transaction tx{c};
        const auto oldest = tx.exec_params1(
            std::string("SELECT floor(extract(epoch FROM now() - min(created_at)))::bigint FROM ") +
                kind_.shape().items_table + " WHERE id = ANY($1::text[])",
            pg_text_array(unaged_))[0];
        if (oldest.is_null()) return std::nullopt; // deleted since it was found
        return oldest.as<long long>();
    });
    keep_oldest(age);
}

void KindPass::age_missing_from(std::optional<long long> oldest_born) {
    if (!oldest_born) {
        keep_oldest(std::nullopt);
        return;
    }
    const auto since_loaded =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - loaded_)
            .count();
    keep_oldest(loaded_at_ + since_loaded - *oldest_born);
}

void KindPass::keep_oldest(std::optional<long long> age) {
    unaged_.clear();
    auto& oldest = tally_.counts.oldest_missing_seconds;
    if (age && (!oldest || *age > *oldest)) oldest = age;
}

} // namespace mana
