// Prometheus text format for node_exporter's textfile collector.
#pragma once

#include "jobs/reconcile_types.hpp"

#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace mana {

// What one reconcile run leaves for monitoring, good or not.
struct RunMetrics {
    std::string scope = "all";             // "since" for --since: the label of every series
    std::optional<ReconcileResult> result; // none: it failed before it counted
    bool success = false;
    double seconds = 0;
    std::time_t finished_at = 0;
    std::optional<std::time_t> last_success; // this run's time, or an earlier good run's; none: 0
};

std::string reconcile_metrics(const RunMetrics& run);

// A family of series the metrics file may hold: its name and HELP text.
struct MetricFamily {
    std::string name;
    std::string help;
};
// Every family of a run's file, in the file's order: what reconcile's man
// page lists too. Every series carries the run's scope ("all", "since");
// the kinds' counts and oldest_missing_seconds a kind label too.
std::vector<MetricFamily> reconcile_metric_families();

// The last good run's time recorded in an earlier metrics file's text.
std::optional<std::time_t> last_success_in(const std::string& metrics_text);

} // namespace mana
