// libFuzzer target: the singleton catalog reader (an operator's file). A
// catalog is accepted or refused with a usage Error; an accepted one reads
// back from its file form as itself, and each kind's rows are its template
// with the ids put in where the placeholders stand, whatever the ids.
#include "sync/catalog.hpp"
#include "sync/singletons.hpp"
#include "util/error.hpp"

#include <cstdlib>

namespace {

void require(bool condition) {
    if (!condition) std::abort();
}

// The template with its placeholders replaced, walked as a tree: what the
// rows, made from the template's text, must hold.
nlohmann::json expected_data(const nlohmann::json& value, const std::string& user_id,
                             const std::string& record_id, const std::string& space_id) {
    if (value.is_object() || value.is_array()) {
        auto copy = value;
        for (auto& item : copy)
            item = expected_data(item, user_id, record_id, space_id);
        return copy;
    }
    if (value == mana::placeholders[0]) return user_id;
    if (value == mana::placeholders[1]) return record_id;
    if (value == mana::placeholders[2]) return space_id;
    return value;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    mana::Catalog catalog;
    try {
        catalog = mana::parse_catalog(input, "fuzz");
    } catch (const mana::Error& e) {
        require(e.code() == mana::Exit::usage);
        return 0;
    }
    const auto file_form = mana::catalog_json(catalog);
    require(mana::catalog_json(mana::parse_catalog(file_form.dump(), "again")) == file_form);
    const std::string id = "id \"1\\", writer = "w,1";
    for (const auto& kind : catalog.kinds) {
        const auto row = mana::KindRows(kind, "2026-04-26T21:18:54.123Z").row(id, writer);
        const bool space = kind.scope == mana::Scope::space;
        require(row.user_id == (space ? writer : id));
        require(row.space_id == (space ? std::optional<std::string>(id) : std::nullopt));
        require(nlohmann::json::parse(row.data) ==
                expected_data(kind.data, row.user_id, row.record_id, id));
        require(nlohmann::json::parse(row.field_meta).size() ==
                kind.data.size() - kind.data.count("id"));
    }
    return 0;
}
