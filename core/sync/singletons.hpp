// The singleton rows, defined once: every command that writes a singleton
// builds it here, from its kind in the catalog (sync/catalog.hpp).
#pragma once

#include "sync/catalog.hpp"

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

// The rows of one kind for one moment: the template is serialised once, so
// that a batch of a hundred thousand rows costs little. The kind must
// outlive it.
class KindRows {
  public:
    KindRows(const CatalogKind& kind, const std::string& timestamp);

    // A user's row (user scope; writer unused), or a Space's written by
    // writer (space scope).
    SyncRow row(const std::string& id, const std::string& writer) const;

  private:
    // The data's JSON cut at each placeholder: text, placeholder, text, ...
    struct Piece {
        std::string text;
        std::size_t placeholder; // its index in placeholders; their count after the last
    };
    const CatalogKind* kind_;
    std::vector<Piece> data_;
    std::string field_meta_;
};

} // namespace mana
