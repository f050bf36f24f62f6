// The singleton rows of SPEC §2.3, defined once: every command that writes
// a userContext or a kontextDoc builds it here.
#pragma once

#include <optional>
#include <string>

namespace mana {

// One row of sync_changes, as the tool writes it. data, field_meta and
// actor are JSON text.
struct SyncRow {
    std::string app_id;
    std::string table_name;
    std::string record_id;
    std::string user_id;
    std::string op;
    std::string data;
    std::string field_meta;
    std::string client_id;
    int schema_version;
    std::string actor;
    std::string origin;
    std::optional<std::string> space_id;
};

// Builds the rows of one moment. What every row of that moment shares (the
// JSON around the ids, field_meta, actor) is serialised once, so that a
// batch of a hundred thousand rows costs little.
class SingletonRows {
  public:
    explicit SingletonRows(const std::string& timestamp);

    // The per-user profile singleton.
    SyncRow user_context(const std::string& user_id) const;

    // The per-Space kontext document, with a fresh record id, written by writer.
    SyncRow kontext_doc(const std::string& space_id, const std::string& writer) const;

  private:
    std::string user_context_data_head_; // data up to the user id's value
    std::string user_context_meta_;
    std::string kontext_doc_data_head_; // data up to the record id's value
    std::string kontext_doc_meta_;
};

// One row, now.
SyncRow user_context_row(const std::string& user_id, const std::string& timestamp);
SyncRow kontext_doc_row(const std::string& space_id, const std::string& writer,
                        const std::string& timestamp);

} // namespace mana
