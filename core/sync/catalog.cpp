#include "sync/catalog.hpp"

#include "util/error.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace mana {
namespace {

using nlohmann::json;

constexpr const char* uuid_record_id = "${uuid}";

// A catalog's refusal: where, and why.
[[noreturn]] void refuse(const std::string& source, const std::string& field,
                         const std::string& why) {
    throw usage_error("catalog " + source + ": " + field + ": " + why);
}

bool is_placeholder(const std::string& text) {
    return text.size() > 3 && text.rfind("${", 0) == 0 && text.back() == '}';
}

// Every placeholder in the template is one the kind's rows have.
void check_template(const json& value, const std::string& field, Scope scope,
                    const std::string& source) {
    if (value.is_object()) {
        for (const auto& item : value.items()) {
            if (is_placeholder(item.key()))
                refuse(source, field, "a key cannot be a placeholder (" + item.key() + ")");
            check_template(item.value(), field + "." + item.key(), scope, source);
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i)
            check_template(value[i], field + "[" + std::to_string(i) + "]", scope, source);
    } else if (value.is_string() && is_placeholder(value.get<std::string>())) {
        const auto name = value.get<std::string>();
        const bool known = (name == placeholders[0] || name == placeholders[1] ||
                            (name == placeholders[2] && scope == Scope::space));
        if (!known) {
            const bool space = scope == Scope::space;
            refuse(source, field,
                   name + " is not a placeholder of a " + (space ? "Space" : "user") + "'s kind (" +
                       placeholders[0] + ", " + placeholders[1] +
                       (space ? std::string(", ") + placeholders[2] : "") + ")");
        }
    }
}

std::string required_text(const json& kind, const char* key, const std::string& field,
                          const std::string& source) {
    if (!kind.contains(key)) refuse(source, field + "." + key, "missing");
    const auto& value = kind[key];
    if (!value.is_string() || value.get<std::string>().empty())
        refuse(source, field + "." + key, "not a non-empty string");
    return value.get<std::string>();
}

bool valid_name(const std::string& name) {
    return !name.empty() && std::isalpha(static_cast<unsigned char>(name[0])) &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
           });
}

CatalogKind parse_kind(const json& kind, const std::string& field, const std::string& source) {
    if (!kind.is_object()) refuse(source, field, "not a JSON object");
    static const std::set<std::string> fields = {"name",      "scope", "app_id", "table_name",
                                                 "record_id", "data",  "retired"};
    for (const auto& item : kind.items()) {
        if (!fields.count(item.key()))
            refuse(source, field + "." + item.key(), "not a field of a kind");
    }
    CatalogKind parsed;
    parsed.name = required_text(kind, "name", field, source);
    if (!valid_name(parsed.name))
        refuse(source, field + ".name", "not a letter followed by letters, digits or _");
    const auto scope = required_text(kind, "scope", field, source);
    if (scope != "user" && scope != "space")
        refuse(source, field + ".scope", "\"" + scope + "\" is neither user nor space");
    parsed.scope = scope == "user" ? Scope::user : Scope::space;
    parsed.app_id = required_text(kind, "app_id", field, source);
    parsed.table_name = required_text(kind, "table_name", field, source);
    const auto record_id = required_text(kind, "record_id", field, source);
    if (record_id != uuid_record_id) {
        if (is_placeholder(record_id))
            refuse(source, field + ".record_id",
                   record_id + " is not a fixed id, and the only one made up is ${uuid}");
        parsed.record_id = record_id;
    } else if (parsed.scope == Scope::user) {
        refuse(source, field + ".record_id",
               "a user's kind needs a fixed record id: its rows are found by table_name, "
               "record_id and user");
    }
    if (!kind.contains("data")) refuse(source, field + ".data", "missing");
    parsed.data = kind["data"];
    if (!parsed.data.is_object()) refuse(source, field + ".data", "not a JSON object");
    check_template(parsed.data, field + ".data", parsed.scope, source);
    if (kind.contains("retired")) {
        if (!kind["retired"].is_boolean()) refuse(source, field + ".retired", "not true or false");
        parsed.retired = kind["retired"].get<bool>();
    }
    return parsed;
}

// Two kinds whose rows the same rule finds would count each other's rows.
void check_distinct(const std::vector<CatalogKind>& kinds, const std::string& source) {
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            const auto& a = kinds[j];
            const auto& b = kinds[i];
            const auto field = "kinds[" + std::to_string(i) + "]";
            if (a.name == b.name)
                refuse(source, field + ".name",
                       "\"" + b.name + "\" names kinds[" + std::to_string(j) + "] too");
            const bool same_rule =
                a.table_name == b.table_name &&
                (a.scope != b.scope || b.scope == Scope::space || a.record_id == b.record_id);
            if (same_rule) {
                refuse(source, field,
                       "its rows (table_name " + b.table_name + ") are found as those of " +
                           a.name + " are: two kinds would count each other's rows");
            }
        }
    }
}

} // namespace

Catalog parse_catalog(const std::string& text, const std::string& source) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) { // a syntax error, or a number out of range
        refuse(source, "(file)", std::string("not valid JSON (") + e.what() + ")");
    }
    if (!doc.is_object()) refuse(source, "(file)", "not a JSON object");
    for (const auto& item : doc.items()) {
        if (item.key() != "version" && item.key() != "kinds")
            refuse(source, item.key(), "not a field of a catalog (version, kinds)");
    }
    if (doc.contains("version") && doc["version"] != 1)
        refuse(source, "version", "this mana-auth reads version 1");
    if (!doc.contains("kinds") || !doc["kinds"].is_array() || doc["kinds"].empty())
        refuse(source, "kinds", "not a non-empty list of kinds");
    Catalog catalog{{}, source};
    for (std::size_t i = 0; i < doc["kinds"].size(); ++i)
        catalog.kinds.push_back(
            parse_kind(doc["kinds"][i], "kinds[" + std::to_string(i) + "]", source));
    check_distinct(catalog.kinds, source);
    return catalog;
}

Catalog read_catalog_file(const std::string& path) {
    const auto unreadable = [&](const std::string& why) {
        return usage_error("catalog " + path + ": cannot be read (" + why + ")");
    };
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) throw unreadable("a directory");
    std::ifstream file(path, std::ios::binary);
    if (!file) throw unreadable(std::strerror(errno));
    std::ostringstream text;
    text << file.rdbuf();
    if (file.bad()) throw unreadable(std::strerror(errno));
    return parse_catalog(text.str(), path);
}

const Catalog& builtin_catalog() {
    static const Catalog catalog = parse_catalog(builtin_catalog_json(), "built-in");
    return catalog;
}

namespace {

const CatalogKind& builtin_kind(const std::string& name) {
    const auto& kinds = builtin_catalog().kinds;
    const auto it = std::find_if(kinds.begin(), kinds.end(),
                                 [&](const CatalogKind& kind) { return kind.name == name; });
    if (it == kinds.end()) throw failure("the built-in catalog has no kind " + name);
    return *it;
}

} // namespace

const CatalogKind& builtin_user_context() {
    static const CatalogKind& kind = builtin_kind("userContext");
    return kind;
}

const CatalogKind& builtin_kontext_doc() {
    static const CatalogKind& kind = builtin_kind("kontextDoc");
    return kind;
}

std::vector<const CatalogKind*> writable_kinds(const Catalog& catalog, Scope scope) {
    std::vector<const CatalogKind*> kinds;
    for (const auto& kind : catalog.kinds)
        if (kind.scope == scope && !kind.retired) kinds.push_back(&kind);
    return kinds;
}

bool is_builtin_kind(const std::string& name, Scope scope) {
    return name == (scope == Scope::user ? builtin_user_context() : builtin_kontext_doc()).name;
}

json catalog_json(const Catalog& catalog) {
    json kinds = json::array();
    for (const auto& kind : catalog.kinds) {
        kinds.push_back({{"name", kind.name},
                         {"scope", kind.scope == Scope::user ? "user" : "space"},
                         {"app_id", kind.app_id},
                         {"table_name", kind.table_name},
                         {"record_id", kind.record_id.value_or(uuid_record_id)},
                         {"data", kind.data},
                         {"retired", kind.retired}});
    }
    return {{"version", 1}, {"kinds", kinds}};
}

} // namespace mana
