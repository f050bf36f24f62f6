#include "seed.hpp"

namespace mana::test {

void add_user(TempDatabases& db, const std::string& id, const std::string& email, bool deleted) {
    pqxx::work tx{db.auth()};
    tx.exec_params("INSERT INTO auth.users (id, name, email, deleted_at) "
                   "VALUES ($1, $1, $2, CASE WHEN $3 THEN now() END)",
                   id, email, deleted);
    tx.commit();
}

void add_space(TempDatabases& db, const std::string& id, const std::string& slug,
               const std::string& type) {
    pqxx::work tx{db.auth()};
    tx.exec_params("INSERT INTO auth.organizations (id, name, slug, metadata) "
                   "VALUES ($1, $1, $2, jsonb_build_object('type', $3::text, 'tier', 'public'))",
                   id, slug, type);
    tx.commit();
}

void add_member(TempDatabases& db, const std::string& space_id, const std::string& user_id,
                const std::string& role, int minutes_ago) {
    pqxx::work tx{db.auth()};
    tx.exec_params("INSERT INTO auth.members (id, organization_id, user_id, role, created_at) "
                   "VALUES ($1 || ':' || $2, $1, $2, $3, now() - make_interval(mins => $4))",
                   space_id, user_id, role, minutes_ago);
    tx.commit();
}

void add_sync_row(TempDatabases& db, const std::string& table_name, const std::string& record_id,
                  const std::string& user_id, const std::string& space_id,
                  const std::string& app_id, const std::string& op) {
    pqxx::work tx{db.sync()};
    tx.exec_params("INSERT INTO sync_changes (app_id, table_name, record_id, user_id, op, data, "
                   "client_id, space_id) VALUES ($1, $2, $3, $4, $6, '{}', 'web:client', "
                   "NULLIF($5, ''))",
                   app_id, table_name, record_id, user_id, space_id, op);
    tx.commit();
}

void add_users_with_spaces(TempDatabases& db, long long n) {
    add_users_with_spaces(db.auth(), 1, n);
}

void add_users_with_spaces(pqxx::connection& auth, long long first, long long last) {
    pqxx::work tx{auth};
    tx.exec_params("INSERT INTO auth.users (id, name, email) "
                   "SELECT 'u' || g, 'u' || g, 'u' || g || '@example.com' "
                   "FROM generate_series($1::bigint, $2::bigint) g",
                   first, last);
    tx.exec_params("INSERT INTO auth.organizations (id, name, slug, metadata) "
                   "SELECT 's' || g, 's' || g, 's' || g, '{\"type\":\"personal\"}' "
                   "FROM generate_series($1::bigint, $2::bigint) g",
                   first, last);
    tx.exec_params("INSERT INTO auth.members (id, organization_id, user_id, role) "
                   "SELECT 'm' || g, 's' || g, 'u' || g, 'owner' FROM generate_series($1::bigint, "
                   "$2::bigint) g",
                   first, last);
    tx.commit();
}

Result register_user(TempDatabases& db, std::vector<std::string> args, const std::string& pw,
                     bool plain_sync_role) {
    args.insert(args.begin(), "register");
    args.push_back("--password-stdin");
    return cli(args, db.env(plain_sync_role), pw);
}

} // namespace mana::test
