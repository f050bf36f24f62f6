// The kinds of singleton as data (SPEC §7): a catalog in JSON names each
// kind, its scope, where its rows go, its record id and the template of its
// data. The built-in catalog is SPEC §2.3 exactly.
#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace mana {

enum class Scope { user, space };

// The placeholders of a data template: a string value that is one of them is
// that id of the row (${space_id} only in a Space's kind).
inline constexpr std::array<const char*, 3> placeholders = {"${user_id}", "${record_id}",
                                                            "${space_id}"};

struct CatalogKind {
    std::string name; // userContext: a JSON key and a metric label
    Scope scope;
    std::string app_id;
    std::string table_name;
    // A fixed record id ("singleton"); none: a fresh UUID v4 per row.
    std::optional<std::string> record_id;
    nlohmann::json data;  // the template of a row's data (placeholders)
    bool retired = false; // never written; still counted when present twice
};

struct Catalog {
    std::vector<CatalogKind> kinds;
    std::string source; // "built-in", or the file it was read from
};

const Catalog& builtin_catalog();
// Its two kinds (SPEC §2.3): their names keep the JSON keys and locks they
// always had.
const CatalogKind& builtin_user_context();
const CatalogKind& builtin_kontext_doc();
// Its text: sync/builtin_catalog.json, as built into the binary.
const char* builtin_catalog_json();

// The kinds of a scope that are written (not retired), in the catalog's
// order: pointers into the catalog, which must outlive them.
std::vector<const CatalogKind*> writable_kinds(const Catalog& catalog, Scope scope);

// Whether the kind of that name is the built-in one of its scope, which
// keeps its JSON keys and locks whatever the catalog in force.
bool is_builtin_kind(const std::string& name, Scope scope);

// A catalog's text, checked whole: a usage Error (exit 2) naming the source,
// the field (kinds[1].scope) and why.
Catalog parse_catalog(const std::string& text, const std::string& source);

// parse_catalog of a file's text; a file that cannot be read is a usage Error.
Catalog read_catalog_file(const std::string& path);

// The catalog in its file form, which parse_catalog reads back.
nlohmann::json catalog_json(const Catalog& catalog);

} // namespace mana
