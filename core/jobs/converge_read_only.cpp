// A look (--check, --dry-run) at a read-only sync database, a hot standby
// or one whose default is read-only, where no temporary table can be made:
// the ids of the auth database, and the rows of every kind of the scope
// summed per item (one column a kind), each streamed once in byte order
// (COLLATE "C"), are merged here as they come. The answer is the set-based audit's,
// exactly; memory holds one batch of the missing per kind, whatever the
// number of users.
#include "auth/directory.hpp"
#include "jobs/converge.hpp"
#include "util/text.hpp"

#include <cstdlib>
#include <cstring>
#include <optional>

namespace mana {
namespace {

// The lines of a COPY TO of one query, each split at its first tab into an
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
        const auto tab = line_.find('\t');
        id_ = tab == std::string::npos ? line_ : line_.substr(0, tab);
        rest_ = tab == std::string::npos ? "" : line_.substr(tab + 1);
        copy_line_to_value(id_);
    }

  private:
    pqxx::stream_from in_;
    std::string line_, id_, rest_;
    bool done_ = false;
};

// A kind's missing found so far, judged a batch at a time once their
// writers are known, and aged; looked up on an auth connection apart, since
// the scope's is streaming the ids, shared by the kinds of the scope and
// opened when the first is found.
class MissingBatches {
  public:
    MissingBatches(KindPass& pass, std::optional<Database>& lookups)
        : pass_(pass), lookups_(lookups) {}

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
    std::optional<Database>& lookups_;
    std::vector<std::string> batch_;
};

// What the merge found of one kind of the scope.
struct KindLook {
    KindPass* pass;
    MissingBatches missing;
    long long duplicates = 0;
};

// Each kind's copies on a line of summed_rows, in order: none when the
// kind has no row of the item.
class Copies {
  public:
    explicit Copies(const std::string& fields) : at_(fields.c_str()) {}
    std::optional<long long> next() {
        const char* field = at_;
        const char* tab = std::strchr(at_, '\t');
        at_ = tab ? tab + 1 : at_ + std::strlen(at_);
        if (std::strncmp(field, "\\N", 2) == 0) return std::nullopt;
        return std::strtoll(field, nullptr, 10);
    }

  private:
    const char* at_;
};

// The rows of the kinds summed per item, as lines of the id and each kind's
// copies in order (\N when it has no row), in byte order.
std::string summed_rows(const std::vector<const SingletonKind*>& kinds, QueryValues& values) {
    return "SELECT r.id, " + copies_of(kinds, "r") + " FROM (" + weighted_rows(kinds, values) +
           ") r WHERE r.id IS NOT NULL GROUP BY r.id ORDER BY r.id COLLATE \"C\"";
}

} // namespace

void check_read_only(const std::vector<KindPass*>& scope) {
    auto& first = *scope.front();
    const auto& o = first.options();
    auto& counts = first.tally().counts;
    first.progress("checking", 0, 0);
    std::optional<Database> lookups;
    std::vector<KindLook> looks;
    std::vector<const SingletonKind*> kinds;
    looks.reserve(scope.size());
    for (auto* pass : scope) {
        looks.push_back({pass, MissingBatches(*pass, lookups)});
        kinds.push_back(&pass->kind());
    }
    const bool checked_all = first.auth().run([&](pqxx::connection& a) {
        pqxx::read_transaction auth_tx{a};
        SortedLines ids(auth_tx, "SELECT i.* FROM (" + first.ids_query(auth_tx, false) +
                                     ") i ORDER BY i.id COLLATE \"C\"");
        return first.sync().run([&](pqxx::connection& s) {
            pqxx::read_transaction sync_tx{s};
            // COPY binds no parameters.
            SettingValues values;
            const auto summed = summed_rows(kinds, values);
            values.set(sync_tx);
            SortedLines rows(sync_tx, summed);
            for (; !ids.done(); ids.advance()) {
                if (first.stopping()) return false;
                const auto& id = ids.id();
                if (o.shards > 1 && lock_bucket(id) % o.shards != o.shard) continue;
                // With a settle window, the rest of the line says whether
                // the item is pending (SingletonKind::ids_sql).
                if (ids.rest() == "t") {
                    ++counts.pending;
                    continue;
                }
                if (++counts.scanned % o.batch_size == 0)
                    first.progress("checking", counts.scanned, 0);
                // std::string compares as unsigned bytes, as COLLATE "C" does.
                while (!rows.done() && rows.id() < id)
                    rows.advance();
                std::optional<Copies> copies;
                if (!rows.done() && rows.id() == id) copies.emplace(rows.rest());
                for (auto& look : looks) {
                    const auto n = copies ? copies->next() : std::nullopt;
                    if (!n) {
                        if (!look.pass->kind().kind().retired) look.missing.add(id);
                    } else if (*n > 1) {
                        ++look.duplicates;
                        add_sample(look.pass->tally().counts.duplicate_sample, id, o.sample_size);
                    }
                }
            }
            return true;
        });
    });
    for (auto& look : looks) {
        look.missing.flush();
        look.pass->share_ids(first);
        if (!checked_all) continue;
        auto& kind_counts = look.pass->tally().counts;
        if (!look.pass->kind().kind().retired) kind_counts.missing = look.pass->found_missing();
        kind_counts.duplicates = look.duplicates;
    }
    first.step_done(
        ("merged the ids with the rows of " + std::to_string(looks.size()) + " kinds").c_str());
}

} // namespace mana
