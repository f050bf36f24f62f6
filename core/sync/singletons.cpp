#include "sync/singletons.hpp"

#include "util/ids.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <nlohmann/json.hpp>

namespace mana {
namespace {

using nlohmann::json;

const std::string actor_json = json{
    {"kind", "system"},
    {"principalId", "system:bootstrap"},
    {"displayName", "Bootstrap"}}.dump();

} // namespace

KindRows::KindRows(const CatalogKind& kind, const std::string& timestamp) : kind_(&kind) {
    // A placeholder is a whole string value: in the JSON text it is the
    // token in quotes after a ':', ',' or '[' (within a longer string, a
    // quote is escaped).
    const auto text = kind.data.dump();
    std::string piece;
    for (std::size_t i = 0; i < text.size();) {
        const auto found = std::find_if(placeholders.begin(), placeholders.end(), [&](auto p) {
            return i > 0 && std::string(":,[").find(text[i - 1]) != std::string::npos &&
                   text.compare(i, std::strlen(p) + 2, "\"" + std::string(p) + "\"") == 0;
        });
        if (found == placeholders.end()) {
            piece += text[i++];
            continue;
        }
        data_.push_back({std::move(piece), static_cast<std::size_t>(found - placeholders.begin())});
        piece.clear();
        i += std::strlen(*found) + 2;
    }
    data_.push_back({std::move(piece), placeholders.size()});
    json field_meta = json::object();
    for (const auto& item : kind.data.items())
        if (item.key() != "id") field_meta[item.key()] = timestamp;
    field_meta_ = field_meta.dump();
}

SyncRow KindRows::row(const std::string& id, const std::string& writer) const {
    const bool space = kind_->scope == Scope::space;
    const auto& user_id = space ? writer : id;
    auto record_id = kind_->record_id ? *kind_->record_id : uuid_v4();
    // In the order of placeholders: ${user_id}, ${record_id}, ${space_id}.
    const std::array<const std::string*, placeholders.size()> values = {&user_id, &record_id, &id};
    std::string data;
    for (const auto& piece : data_) {
        data += piece.text;
        if (piece.placeholder < values.size()) data += json(*values[piece.placeholder]).dump();
    }
    return SyncRow{
        kind_->app_id, kind_->table_name,  std::move(record_id),
        user_id,       "insert",           std::move(data),
        field_meta_,   "system:bootstrap", 1,
        actor_json,    "system",           space ? std::optional<std::string>(id) : std::nullopt};
}

} // namespace mana
