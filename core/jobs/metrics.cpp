#include "jobs/metrics.hpp"

#include "util/build_info.hpp"
#include "util/error.hpp"
#include "util/option_names.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace mana {
namespace {

constexpr const char* last_success_series = "mana_auth_reconcile_last_success_timestamp_seconds";

// One gauge family of a run's file: every series carries the run's scope,
// so that the files of an --all and a --since run can sit side by side in
// one textfile directory (a family must have the same labels in every file).
class Families {
  public:
    explicit Families(const std::string& scope)
        : scope_(scope), families_(reconcile_metric_families()) {}

    // The family of that name, with its help from the one list of them.
    void gauge(const std::string& name) {
        const auto found =
            std::find_if(families_.begin(), families_.end(),
                         [&](const MetricFamily& family) { return family.name == name; });
        name_ = name;
        out_ += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name_, found->help, name_);
    }
    template <class Value>
    void sample(const Value& value, const std::string& labels = "") {
        out_ += fmt::format("{}{{scope=\"{}\"{}}} {}\n", name_, scope_, labels, value);
    }
    std::string text() const { return out_; }

  private:
    std::string scope_;
    std::vector<MetricFamily> families_;
    std::string name_;
    std::string out_;
};

// A kind's count of each family that has one number a kind: each may be
// summed over kinds, none with another.
using Count = std::optional<long long> (*)(const KindCounts&);
const std::pair<const char*, Count> kind_counts[] = {
    {"mana_auth_reconcile_scanned_items",
     [](const KindCounts& c) -> std::optional<long long> { return c.scanned; }},
    {"mana_auth_reconcile_pending_items",
     [](const KindCounts& c) -> std::optional<long long> { return c.pending; }},
    {"mana_auth_reconcile_missing_items", [](const KindCounts& c) { return c.missing; }},
    {"mana_auth_reconcile_written_items",
     [](const KindCounts& c) -> std::optional<long long> { return c.written; }},
    {"mana_auth_reconcile_failed_items",
     [](const KindCounts& c) -> std::optional<long long> { return c.failed; }},
    {"mana_auth_reconcile_duplicate_items", [](const KindCounts& c) { return c.duplicates; }},
};

} // namespace

std::vector<MetricFamily> reconcile_metric_families() {
    const auto min_age = option_name(Option::min_age);
    return {
        {"mana_auth_build_info",
         "The mana-auth that wrote this file: 1, its version and commit as labels."},
        {"mana_auth_reconcile_last_run_timestamp_seconds",
         "When the last reconcile finished (Unix time)."},
        {"mana_auth_reconcile_duration_seconds", "How long the last reconcile took."},
        {"mana_auth_reconcile_success",
         "1 if the last reconcile converged (or checked) without failures; 0 if it failed, was "
         "refused or was interrupted."},
        {last_success_series, "When a reconcile last succeeded (Unix time), 0 until one has: "
                              "alert when it grows old."},
        {"mana_auth_reconcile_scanned_items",
         "Users or Spaces the last reconcile looked at, by singleton kind."},
        {"mana_auth_reconcile_pending_items",
         "Of those, the ones younger than " + min_age + ", left to a later run."},
        {"mana_auth_reconcile_missing_items",
         "Of those, the ones found without their singleton; absent when not known (a run "
         "stopped before it counted)."},
        {"mana_auth_reconcile_written_items", "Singletons the last reconcile wrote."},
        {"mana_auth_reconcile_failed_items", "Singletons the last reconcile failed to write."},
        {"mana_auth_reconcile_duplicate_items",
         "Users or Spaces with their singleton written more than once (reported, never "
         "retracted); absent when not counted (item by item)."},
        {"mana_auth_reconcile_oldest_missing_seconds",
         "Age of the oldest user or Space the last reconcile found without its singleton "
         "(after " +
             min_age + "); absent for a kind with nothing missing."},
        {"mana_auth_reconcile_orphan_spaces",
         "Spaces without a live member: reported, never written."},
    };
}

std::string reconcile_metrics(const RunMetrics& run) {
    Families f(run.scope);
    f.gauge("mana_auth_build_info");
    f.sample(1, fmt::format(",version=\"{}\",commit=\"{}\"", MANA_AUTH_VERSION, build_commit()));
    f.gauge("mana_auth_reconcile_last_run_timestamp_seconds");
    f.sample(run.finished_at);
    f.gauge("mana_auth_reconcile_duration_seconds");
    f.sample(fmt::format("{:.3f}", run.seconds));
    f.gauge("mana_auth_reconcile_success");
    f.sample(run.success ? 1 : 0);
    // From the first run on, so that an alert on its age also fires for a
    // tool that never once succeeded.
    f.gauge(last_success_series);
    f.sample(run.last_success.value_or(0));
    if (!run.result) return f.text();
    const auto& r = *run.result;
    for (const auto& [name, count] : kind_counts) {
        if (std::none_of(r.kinds.begin(), r.kinds.end(),
                         [count = count](const KindResult& k) { return count(k.counts); }))
            continue;
        f.gauge(name);
        for (const auto& kind : r.kinds) {
            if (const auto value = count(kind.counts))
                f.sample(*value, fmt::format(",kind=\"{}\"", kind.name));
        }
    }
    if (std::any_of(r.kinds.begin(), r.kinds.end(),
                    [](const KindResult& k) { return k.counts.oldest_missing_seconds; })) {
        f.gauge("mana_auth_reconcile_oldest_missing_seconds");
        for (const auto& kind : r.kinds) {
            if (kind.counts.oldest_missing_seconds)
                f.sample(*kind.counts.oldest_missing_seconds,
                         fmt::format(",kind=\"{}\"", kind.name));
        }
    }
    f.gauge("mana_auth_reconcile_orphan_spaces");
    f.sample(r.orphans);
    return f.text();
}

std::optional<std::time_t> last_success_in(const std::string& metrics_text) {
    // The series with its labels, or without (a file from before they had any).
    const auto name = std::string("\n") + last_success_series;
    auto at = ("\n" + metrics_text).find(name);
    if (at == std::string::npos) return std::nullopt;
    at += name.size() - 1;
    if (at < metrics_text.size() && metrics_text[at] == '{') at = metrics_text.find('}', at) + 1;
    try {
        return static_cast<std::time_t>(std::stoll(metrics_text.substr(at)));
    } catch (const std::exception&) {
        return std::nullopt; // not a number: as if never recorded
    }
}

} // namespace mana
