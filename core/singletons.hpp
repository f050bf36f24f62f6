// The singleton rows of SPEC §2.3, defined once: every command that writes
// a userContext or a kontextDoc builds it here.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace mana {

// One row of sync_changes, as the tool writes it.
struct SyncRow {
    std::string app_id;
    std::string table_name;
    std::string record_id;
    std::string user_id;
    std::string op;
    nlohmann::json data;
    nlohmann::json field_meta;
    std::string client_id;
    int schema_version;
    nlohmann::json actor;
    std::string origin;
    std::optional<std::string> space_id;
};

// A time as JavaScript's Date.prototype.toISOString() writes it:
// "2026-04-26T21:18:54.123Z".
std::string js_iso_timestamp(std::chrono::system_clock::time_point when);

// The per-user profile singleton.
SyncRow user_context_row(const std::string& user_id, const std::string& timestamp);

// The per-Space kontext document, with a fresh record id, written by writer.
SyncRow kontext_doc_row(const std::string& space_id, const std::string& writer,
                        const std::string& timestamp);

} // namespace mana
