#include "pg/schema.hpp"

#include "pg/session.hpp"
#include "util/error.hpp"

#include <algorithm>

namespace mana {
namespace {

// Type families: what the tool needs of a column, and the types that give it.
enum class Family { text, boolean, timestamp, json, integer, label };

struct Column {
    const char* name;
    Family family;
};

struct Table {
    const char* name;
    std::vector<Column> columns;
};

const char* family_name(Family f) {
    switch (f) {
    case Family::text:
        return "text";
    case Family::boolean:
        return "boolean";
    case Family::timestamp:
        return "timestamptz";
    case Family::json:
        return "jsonb";
    case Family::integer:
        return "integer";
    case Family::label:
        return "text or an enum";
    }
    return "?";
}

bool fits(Family f, const std::string& type, char category, char typtype) {
    switch (f) {
    case Family::text:
        return category == 'S';
    case Family::boolean:
        return type == "boolean";
    case Family::timestamp:
        return category == 'D' && type.rfind("timestamp", 0) == 0;
    case Family::json:
        return type == "jsonb" || type == "json";
    case Family::integer:
        return type == "integer" || type == "bigint" || type == "smallint";
    case Family::label:
        return category == 'S' || typtype == 'e';
    }
    return false;
}

const std::vector<Table>& required_tables(DbRole role) {
    using F = Family;
    static const std::vector<Table> auth = {
        {"auth.users",
         {{"id", F::text},
          {"name", F::text},
          {"email", F::text},
          {"email_verified", F::boolean},
          {"created_at", F::timestamp},
          {"updated_at", F::timestamp},
          {"role", F::label},
          {"access_tier", F::label},
          {"kind", F::label},
          {"deleted_at", F::timestamp}}},
        {"auth.accounts",
         {{"id", F::text},
          {"account_id", F::text},
          {"provider_id", F::text},
          {"user_id", F::text},
          {"password", F::text},
          {"created_at", F::timestamp},
          {"updated_at", F::timestamp}}},
        {"auth.security_events",
         {{"user_id", F::text},
          {"event_type", F::text},
          {"user_agent", F::text},
          {"metadata", F::json}}},
        {"auth.organizations",
         {{"id", F::text},
          {"name", F::text},
          {"slug", F::text},
          {"metadata", F::json},
          {"created_at", F::timestamp},
          {"updated_at", F::timestamp}}},
        {"auth.members",
         {{"id", F::text},
          {"organization_id", F::text},
          {"user_id", F::text},
          {"role", F::text},
          {"created_at", F::timestamp}}},
    };
    static const std::vector<Table> sync = {
        {"sync_changes",
         {{"app_id", F::text},
          {"table_name", F::text},
          {"record_id", F::text},
          {"user_id", F::text},
          {"op", F::text},
          {"data", F::json},
          {"field_meta", F::json},
          {"client_id", F::text},
          {"created_at", F::timestamp},
          {"schema_version", F::integer},
          {"actor", F::json},
          {"origin", F::text},
          {"space_id", F::text}}},
    };
    return role == DbRole::auth ? auth : sync;
}

} // namespace

void apply_schema(Database& db) {
    db.run([&](pqxx::connection& c) {
        pqxx::work tx{c};
        tx.exec(db.role() == DbRole::auth ? auth_schema_sql() : sync_schema_sql());
        tx.commit();
    });
}

std::vector<SchemaProblem> check_schema(Database& db) {
    return db.run([&](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        std::vector<SchemaProblem> problems;
        for (const auto& table : required_tables(db.role())) {
            const auto columns = tx.exec_params(
                "SELECT a.attname, format_type(a.atttypid, NULL), t.typcategory, t.typtype "
                "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
                "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
                std::string(table.name));
            if (columns.empty()) {
                problems.push_back({table.name, "is missing"});
                continue;
            }
            for (const auto& column : table.columns) {
                const auto it = std::find_if(columns.begin(), columns.end(), [&](const auto& row) {
                    return row[0].template as<std::string>() == column.name;
                });
                const auto object = std::string(table.name) + "." + column.name;
                if (it == columns.end()) {
                    problems.push_back({object, "is missing"});
                    continue;
                }
                const auto type = (*it)[1].as<std::string>();
                if (!fits(column.family, type, (*it)[2].as<std::string>()[0],
                          (*it)[3].as<std::string>()[0])) {
                    problems.push_back(
                        {object, "has type " + type + ", expected " + family_name(column.family)});
                }
            }
        }
        return problems;
    });
}

void require_schema(Database& db) {
    const auto problems = check_schema(db);
    if (problems.empty()) return;
    throw failure(std::string(db.label()) + ": incompatible schema: " + problems.front().object +
                  " " + problems.front().problem + " (run `mana-auth doctor` for the full list)");
}

bool has_column(Database& db, const std::string& table, const std::string& column) {
    return db.run([&](pqxx::connection& c) {
        return pqxx::nontransaction{c}
            .exec_params1("SELECT EXISTS (SELECT FROM pg_attribute WHERE attrelid = "
                          "to_regclass($1) AND attname = $2 AND attnum > 0 AND NOT attisdropped)",
                          table, column)[0]
            .as<bool>();
    });
}

std::vector<std::string> unfilled_columns(Database& db, const std::vector<TableFill>& tables) {
    return db.run([&](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        std::vector<std::string> unfilled;
        for (const auto& table : tables) {
            // A column's own default wins; without one, its domain's applies.
            for (const auto& row : tx.exec_params(
                     "SELECT format('%s.%s.%s', n.nspname, c.relname, a.attname) "
                     "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                     "JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "JOIN pg_type t ON t.oid = a.atttypid "
                     "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped "
                     "AND (a.attnotnull OR (t.typtype = 'd' AND t.typnotnull)) "
                     "AND NOT a.atthasdef AND t.typdefaultbin IS NULL "
                     "AND a.attidentity = '' AND a.attgenerated = '' "
                     "AND a.attname <> ALL($2::text[]) ORDER BY a.attnum",
                     table.table, pg_text_array(table.columns))) {
                unfilled.push_back(row[0].as<std::string>());
            }
        }
        return unfilled;
    });
}

void require_filled(Database& db, const std::vector<TableFill>& tables, const std::string& what) {
    const auto unfilled = unfilled_columns(db, tables);
    if (unfilled.empty()) return;
    throw failure(std::string(db.label()) + ": " + unfilled.front() + " is " + unfilled_why + ": " +
                  what +
                  " stopped before writing anything (`mana-auth doctor` lists every such column)");
}

} // namespace mana
