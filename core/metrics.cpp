#include "metrics.hpp"

#include "error.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <unistd.h>
#include <vector>

namespace mana {
namespace {

void gauge(std::string& out, const std::string& name, const std::string& help) {
    out += fmt::format("# HELP mana_auth_reconcile_{} {}\n# TYPE mana_auth_reconcile_{} gauge\n",
                       name, help, name);
}

constexpr const char* last_success_series = "mana_auth_reconcile_last_success_timestamp_seconds";

} // namespace

std::string reconcile_metrics(const RunMetrics& run) {
    std::string out;
    gauge(out, "last_run_timestamp_seconds", "When the last reconcile finished (Unix time).");
    out += fmt::format("mana_auth_reconcile_last_run_timestamp_seconds {}\n", run.finished_at);
    gauge(out, "duration_seconds", "How long the last reconcile took.");
    out += fmt::format("mana_auth_reconcile_duration_seconds {:.3f}\n", run.seconds);
    gauge(out, "success",
          "1 if the last reconcile converged (or checked) without failures; 0 if it failed, was "
          "refused or was interrupted.");
    out += fmt::format("mana_auth_reconcile_success {}\n", run.success ? 1 : 0);
    if (run.last_success) {
        gauge(out, "last_success_timestamp_seconds",
              "When a reconcile last succeeded (Unix time): alert when it grows old.");
        out += fmt::format("{} {}\n", last_success_series, *run.last_success);
    }
    if (!run.result) return out;
    const auto& r = *run.result;
    gauge(out, "items",
          "Singletons of the last reconcile, by kind and state (missing, duplicate: absent when "
          "not known; duplicate: written more than once, reported only).");
    for (const auto& [kind, counts] : by_kind(r)) {
        std::vector<std::pair<const char*, long long>> states{{"scanned", counts.scanned}};
        if (counts.missing) states.emplace_back("missing", *counts.missing);
        states.emplace_back("written", counts.written);
        states.emplace_back("failed", counts.failed);
        if (counts.duplicates) states.emplace_back("duplicate", *counts.duplicates);
        for (const auto& [state, value] : states) {
            out += fmt::format("mana_auth_reconcile_items{{kind=\"{}\",state=\"{}\"}} {}\n", kind,
                               state, value);
        }
    }
    gauge(out, "orphan_spaces", "Spaces without a live member: reported, never written.");
    out += fmt::format("mana_auth_reconcile_orphan_spaces {}\n", r.orphans);
    return out;
}

std::optional<std::time_t> last_success_in(const std::string& metrics_text) {
    const auto prefix = std::string("\n") + last_success_series + " ";
    const auto at = ("\n" + metrics_text).find(prefix);
    if (at == std::string::npos) return std::nullopt;
    try {
        return static_cast<std::time_t>(std::stoll(metrics_text.substr(at + prefix.size() - 1)));
    } catch (const std::exception&) {
        return std::nullopt; // not a number: as if never recorded
    }
}

void write_file_atomically(const std::string& path, const std::string& content) {
    const auto temporary = path + ".tmp." + std::to_string(getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << content;
        out.flush();
        if (!out) throw failure("cannot write " + temporary);
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw failure("cannot rename " + temporary + " to " + path);
    }
}

} // namespace mana
