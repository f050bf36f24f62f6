// Prometheus text format for node_exporter's textfile collector.
#pragma once

#include "reconcile.hpp"

#include <ctime>
#include <string>

namespace mana {

std::string reconcile_metrics(const ReconcileResult& result, bool success, std::time_t finished_at);

// Writes a temporary file beside path and renames it over path, so a reader
// never sees half a file.
void write_file_atomically(const std::string& path, const std::string& content);

} // namespace mana
