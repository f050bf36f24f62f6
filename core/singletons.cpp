#include "singletons.hpp"

#include "ids.hpp"

#include <ctime>
#include <fmt/format.h>

namespace mana {
namespace {

// The fields every bootstrap row shares; field_meta stamps every data key
// but "id" with one timestamp.
SyncRow bootstrap_row(std::string app_id, std::string table_name, std::string record_id,
                      std::string user_id, nlohmann::json data, const std::string& timestamp) {
    nlohmann::json field_meta = nlohmann::json::object();
    for (const auto& item : data.items()) {
        if (item.key() != "id") field_meta[item.key()] = timestamp;
    }
    return SyncRow{
        std::move(app_id),
        std::move(table_name),
        std::move(record_id),
        std::move(user_id),
        "insert",
        std::move(data),
        std::move(field_meta),
        "system:bootstrap",
        1,
        {{"kind", "system"}, {"principalId", "system:bootstrap"}, {"displayName", "Bootstrap"}},
        "system",
        std::nullopt};
}

} // namespace

std::string js_iso_timestamp(std::chrono::system_clock::time_point when) {
    using namespace std::chrono;
    const auto since_epoch = duration_cast<milliseconds>(when.time_since_epoch());
    const auto seconds = duration_cast<std::chrono::seconds>(since_epoch);
    auto millis = (since_epoch - seconds).count();
    std::time_t t = seconds.count();
    if (millis < 0) millis += 1000, --t; // before 1970: floor, as JavaScript does
    std::tm utc{};
    gmtime_r(&t, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                       utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
}

SyncRow user_context_row(const std::string& user_id, const std::string& timestamp) {
    nlohmann::json data = {
        {"id", "singleton"},
        {"about", nlohmann::json::object()},
        {"interests", nlohmann::json::array()},
        {"routine", nlohmann::json::object()},
        {"nutrition", nlohmann::json::object()},
        {"leisure", nlohmann::json::object()},
        {"goals", nlohmann::json::array()},
        {"social", nlohmann::json::object()},
        {"freeform", ""},
        {"interview",
         {{"answeredIds", nlohmann::json::array()}, {"skippedIds", nlohmann::json::array()}}},
        {"userId", user_id},
    };
    return bootstrap_row("profile", "userContext", "singleton", user_id, std::move(data),
                         timestamp);
}

SyncRow kontext_doc_row(const std::string& space_id, const std::string& writer,
                        const std::string& timestamp) {
    const auto record_id = uuid_v4();
    auto row = bootstrap_row("kontext", "kontextDoc", record_id, writer,
                             {{"id", record_id}, {"content", ""}}, timestamp);
    row.space_id = space_id;
    return row;
}

} // namespace mana
