#include "sync/singletons.hpp"

#include "util/ids.hpp"

#include <nlohmann/json.hpp>

namespace mana {
namespace {

using nlohmann::json;

const std::string actor_json = json{
    {"kind", "system"},
    {"principalId", "system:bootstrap"},
    {"displayName", "Bootstrap"}}.dump();

// The data of a userContext but its "userId", and of a kontextDoc but its "id".
const json user_context_data = {
    {"id", "singleton"},
    {"about", json::object()},
    {"interests", json::array()},
    {"routine", json::object()},
    {"nutrition", json::object()},
    {"leisure", json::object()},
    {"goals", json::array()},
    {"social", json::object()},
    {"freeform", ""},
    {"interview", {{"answeredIds", json::array()}, {"skippedIds", json::array()}}},
};
const json kontext_doc_data = {{"content", ""}};

// The object's JSON without its closing brace, then "key": (the value follows).
std::string head(const json& object, const char* key) {
    auto text = object.dump();
    text.pop_back();
    return text + (object.empty() ? "" : ",") + json(key).dump() + ":";
}

// field_meta: every key of data but "id", with one timestamp.
std::string meta(const json& data, const char* added_key, const std::string& timestamp) {
    json field_meta = json::object();
    for (const auto& item : data.items()) {
        if (item.key() != "id") field_meta[item.key()] = timestamp;
    }
    if (std::string(added_key) != "id") field_meta[added_key] = timestamp;
    return field_meta.dump();
}

SyncRow bootstrap_row(const char* app_id, const char* table_name, std::string record_id,
                      std::string user_id, std::string data, std::string field_meta) {
    return SyncRow{app_id,
                   table_name,
                   std::move(record_id),
                   std::move(user_id),
                   "insert",
                   std::move(data),
                   std::move(field_meta),
                   "system:bootstrap",
                   1,
                   actor_json,
                   "system",
                   std::nullopt};
}

} // namespace

SingletonRows::SingletonRows(const std::string& timestamp)
    : user_context_data_head_(head(user_context_data, "userId")),
      user_context_meta_(meta(user_context_data, "userId", timestamp)),
      kontext_doc_data_head_(head(kontext_doc_data, "id")),
      kontext_doc_meta_(meta(kontext_doc_data, "id", timestamp)) {}

SyncRow SingletonRows::user_context(const std::string& user_id) const {
    return bootstrap_row("profile", "userContext", "singleton", user_id,
                         user_context_data_head_ + json(user_id).dump() + "}", user_context_meta_);
}

SyncRow SingletonRows::kontext_doc(const std::string& space_id, const std::string& writer) const {
    auto record_id = uuid_v4();
    auto data = kontext_doc_data_head_ + json(record_id).dump() + "}";
    auto row = bootstrap_row("kontext", "kontextDoc", std::move(record_id), writer, std::move(data),
                             kontext_doc_meta_);
    row.space_id = space_id;
    return row;
}

SyncRow user_context_row(const std::string& user_id, const std::string& timestamp) {
    return SingletonRows(timestamp).user_context(user_id);
}

SyncRow kontext_doc_row(const std::string& space_id, const std::string& writer,
                        const std::string& timestamp) {
    return SingletonRows(timestamp).kontext_doc(space_id, writer);
}

} // namespace mana
