// A look (--check, --dry-run) at a read-only sync database, a hot standby
// or one whose default is read-only, where no temporary table can be made:
// the ids of the auth database, and the kind's rows summed per item, each
// streamed in byte order (COLLATE "C"), are merged here as they come. The
// answer is the set-based audit's, exactly; memory holds one batch of the
// missing, whatever the number of users.
#include "jobs/converge.hpp"
#include "auth/directory.hpp"
#include "util/text.hpp"

#include <optional>


namespace mana {
namespace {

// The lines of a COPY TO of one query, each split at its last tab into an
// id (unescaped) and the rest, until done.
class SortedLines {
  public:
    SortedLines(pqxx::transaction_base& tx, const std::string& query)
        : in_(tx, "(" + query + ")") {
        advance();
    }

    bool done() const { return done_; }
    const std::string& id() const { return id_; }
    const std::string& rest() const { return rest_; }

    void advance() {
        if (!in_.get_raw_line(line_)) {
            in_.complete();
            done_ = true;
            return;
        }
        if (!line_.empty() && line_.back() == '\n') line_.pop_back();
        const auto tab = line_.rfind('\t');
        id_ = tab == std::string::npos ? line_ : line_.substr(0, tab);
        rest_ = tab == std::string::npos ? "" : line_.substr(tab + 1);
        copy_line_to_value(id_);
    }

  private:
    pqxx::stream_from in_;
    std::string line_, id_, rest_;
    bool done_ = false;
};

// The missing found so far, judged a batch at a time once their writers are
// known, and aged; looked up on an auth connection of their own, since the
// pass's is streaming the ids, opened when the first is found.
class MissingBatches {
  public:
    explicit MissingBatches(KindPass& pass) : pass_(pass) {}

    void add(const std::string& id) {
        batch_.push_back(id);
        if (static_cast<long long>(batch_.size()) >= pass_.options().batch_size) flush();
    }

    void flush() {
        if (batch_.empty()) return;
        if (!lookups_) lookups_.emplace(pass_.auth().another());
        const auto writers = pass_.kind().shape().needs_writer
                                 ? writers_of(*lookups_, batch_)
                                 : std::map<std::string, std::string>{};
        for (const auto& id : batch_)
            pass_.note_missing(id, writers);
        pass_.age_missing(*lookups_);
        batch_.clear();
    }

  private:
    KindPass& pass_;
    std::optional<Database> lookups_;
    std::vector<std::string> batch_;
};

} // namespace

bool check_read_only(KindPass& pass) {
    const auto& o = pass.options();
    auto& counts = pass.tally().counts;
    pass.progress("checking", 0, 0);
    MissingBatches missing(pass);
    const bool retired = pass.kind().kind().retired;
    long long duplicates = 0;
    const bool checked_all = pass.auth().run([&](pqxx::connection& a) {
        pqxx::read_transaction auth_tx{a};
        SortedLines ids(auth_tx, "SELECT i.* FROM (" + pass.ids_query(auth_tx) +
                                     ") i ORDER BY i.id COLLATE \"C\"");
        return pass.sync().run([&](pqxx::connection& s) {
            pqxx::read_transaction sync_tx{s};
            pass.kind().select_rows(sync_tx);
            SortedLines rows(sync_tx, "SELECT r.id, sum(r.w) FROM (" +
                                          weighted_rows({&pass.kind()}) +
                                          ") r WHERE r.id IS NOT NULL GROUP BY r.id ORDER BY "
                                          "r.id COLLATE \"C\"");
            for (; !ids.done(); ids.advance()) {
                if (pass.stopping()) return false;
                const auto& id = ids.id();
                if (o.shards > 1 && lock_bucket(id) % o.shards != o.shard) continue;
                // With a settle window, the rest of the line says whether
                // the item is pending (SingletonKind::ids_sql).
                if (ids.rest() == "t") {
                    ++counts.pending;
                    continue;
                }
                if (++counts.scanned % o.batch_size == 0)
                    pass.progress("checking", counts.scanned, 0);
                // std::string compares as unsigned bytes, as COLLATE "C" does.
                while (!rows.done() && rows.id() < id)
                    rows.advance();
                if (rows.done() || rows.id() != id) {
                    if (!retired) missing.add(id);
                } else if (std::stoll(rows.rest()) > 1) {
                    ++duplicates;
                    add_sample(counts.duplicate_sample, id, o.sample_size);
                }
            }
            return true;
        });
    });
    missing.flush();
    if (!checked_all) return false;
    if (!retired) counts.missing = pass.found_missing();
    counts.duplicates = duplicates;
    pass.step_done("merged the ids with the change log");
    return true;
}

} // namespace mana
