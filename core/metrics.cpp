#include "metrics.hpp"

#include "error.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <fstream>
#include <unistd.h>

namespace mana {
namespace {

void gauge(std::string& out, const std::string& name, const std::string& help) {
    out += fmt::format("# HELP mana_auth_reconcile_{} {}\n# TYPE mana_auth_reconcile_{} gauge\n",
                       name, help, name);
}

} // namespace

std::string reconcile_metrics(const ReconcileResult& r, bool success, std::time_t finished_at) {
    std::string out;
    gauge(out, "last_run_timestamp_seconds", "When the last reconcile finished (Unix time).");
    out += fmt::format("mana_auth_reconcile_last_run_timestamp_seconds {}\n", finished_at);
    gauge(out, "duration_seconds", "How long the last reconcile took.");
    out += fmt::format("mana_auth_reconcile_duration_seconds {:.3f}\n", r.seconds);
    gauge(out, "success", "1 if the last reconcile converged (or checked) without failures.");
    out += fmt::format("mana_auth_reconcile_success {}\n", success ? 1 : 0);
    gauge(out, "items", "Singletons of the last reconcile, by kind and state.");
    for (const auto& [kind, counts] :
         {std::pair<const char*, const KindCounts&>{"userContext", r.users},
          std::pair<const char*, const KindCounts&>{"kontextDoc", r.spaces}}) {
        for (const auto& [state, value] :
             {std::pair<const char*, long long>{"scanned", counts.scanned},
              {"missing", counts.missing},
              {"written", counts.written},
              {"failed", counts.failed}}) {
            out += fmt::format("mana_auth_reconcile_items{{kind=\"{}\",state=\"{}\"}} {}\n", kind,
                               state, value);
        }
    }
    gauge(out, "orphan_spaces", "Spaces without a live member: reported, never written.");
    out += fmt::format("mana_auth_reconcile_orphan_spaces {}\n", r.orphans);
    return out;
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
