#include "sync/sync_changes.hpp"

#include <array>
#include <string>
#include <tuple>

namespace mana {
namespace {

struct Column {
    const char* name;
    const char* cast; // of its INSERT parameter
};

// The columns the tool fills, in the order of row_values; created_at and
// id are the server's.
constexpr std::array<Column, 12> columns = {{{"app_id", ""},
                                             {"table_name", ""},
                                             {"record_id", ""},
                                             {"user_id", ""},
                                             {"op", ""},
                                             {"data", "::jsonb"},
                                             {"field_meta", "::jsonb"},
                                             {"client_id", ""},
                                             {"schema_version", ""},
                                             {"actor", "::jsonb"},
                                             {"origin", ""},
                                             {"space_id", ""}}};

const char* nullable(const std::optional<std::string>& value) {
    return value ? value->c_str() : nullptr;
}

// A row's values in the order of columns, by reference: COPY and the
// INSERT read them without a copy.
using Text = const std::string&;
using RowValues = std::tuple<Text, Text, Text, Text, Text, Text, Text, Text, int, Text, Text,
                             const char*>;
static_assert(std::tuple_size_v<RowValues> == columns.size(), "a value for every column");

RowValues row_values(const SyncRow& row) {
    return {row.app_id,     row.table_name, row.record_id, row.user_id,
            row.op,         row.data,       row.field_meta, row.client_id,
            row.schema_version, row.actor,  row.origin,    nullable(row.space_id)};
}

const std::string insert_sql = [] {
    std::string names, parameters;
    for (std::size_t i = 0; i < columns.size(); ++i) {
        names += (i ? ", " : "") + std::string(columns[i].name);
        parameters += (i ? ", $" : "$") + std::to_string(i + 1) + columns[i].cast;
    }
    return "INSERT INTO sync_changes (" + names + ") VALUES (" + parameters + ")";
}();

const std::vector<std::string> column_names = [] {
    std::vector<std::string> names;
    names.reserve(columns.size());
    for (const auto& column : columns)
        names.emplace_back(column.name);
    return names;
}();

} // namespace

void insert_row(pqxx::transaction_base& tx, const SyncRow& row) {
    std::apply([&](const auto&... values) { tx.exec_params(insert_sql, values...); },
               row_values(row));
}

void copy_rows(pqxx::work& tx, const std::vector<SyncRow>& rows) {
    pqxx::stream_to stream{tx, "sync_changes", column_names};
    for (const auto& row : rows)
        stream << row_values(row);
    stream.complete();
}

const TableFill& sync_changes_fill() {
    static const TableFill fill{"sync_changes", column_names};
    return fill;
}

void require_sync_changes_filled(Database& sync, const std::string& what) {
    require_filled(sync, {sync_changes_fill()}, what);
}

} // namespace mana
