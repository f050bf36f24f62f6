#include "tempdb.hpp"

#include "db.hpp"
#include "schema.hpp"

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <stdexcept>
#include <unistd.h>

namespace mana::test {
namespace {

std::atomic<int> counter{0};

std::unique_ptr<pqxx::connection> admin() {
    try {
        return std::make_unique<pqxx::connection>(admin_conninfo());
    } catch (const std::exception& e) {
        const char* host = std::getenv("PGHOST");
        const char* port = std::getenv("PGPORT");
        throw std::runtime_error(
            std::string("integration tests: no PostgreSQL server reachable (PGHOST=") +
            (host ? host : "unset") + ", PGPORT=" + (port ? port : "unset") +
            "): run them with `bash .ci/test`, which starts one");
    }
}

void ensure_plain_role(pqxx::connection& admin_conn) {
    pqxx::nontransaction tx{admin_conn};
    if (!tx.exec_params("SELECT 1 FROM pg_roles WHERE rolname = $1", std::string(plain_role))
             .empty()) {
        return;
    }
    try {
        tx.exec(std::string("CREATE ROLE ") + plain_role +
                " LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD " + tx.quote(plain_role_password));
    } catch (const pqxx::sql_error&) {
        // Another test process created it first.
    }
}

void create(pqxx::connection& admin_conn, const std::string& name, DbRole role) {
    {
        pqxx::nontransaction tx{admin_conn};
        tx.exec("CREATE DATABASE " + tx.quote_name(name));
    }
    Database db(role, "dbname=" + name);
    apply_schema(db);
    if (role == DbRole::sync) {
        db.run([](pqxx::connection& c) {
            pqxx::nontransaction tx{c};
            tx.exec(std::string("GRANT SELECT, INSERT ON sync_changes TO ") + plain_role);
        });
    }
}

} // namespace

std::string admin_conninfo() {
    return "dbname=postgres";
}

TempDatabases::TempDatabases() {
    const auto base = "mana_t" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    auth_name_ = base + "_auth";
    sync_name_ = base + "_sync";
    auto admin_conn = admin();
    ensure_plain_role(*admin_conn);
    create(*admin_conn, auth_name_, DbRole::auth);
    create(*admin_conn, sync_name_, DbRole::sync);
    auth_ = std::make_unique<pqxx::connection>(auth_url());
    sync_ = std::make_unique<pqxx::connection>(sync_url());
}

TempDatabases::~TempDatabases() {
    auth_.reset();
    sync_.reset();
    if (std::getenv("MANA_AUTH_KEEP_TEST_DB")) {
        std::cerr << "kept test databases " << auth_name_ << " and " << sync_name_ << "\n";
        return;
    }
    try {
        auto admin_conn = admin();
        pqxx::nontransaction tx{*admin_conn};
        for (const auto& name : {auth_name_, sync_name_}) {
            tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name) + " WITH (FORCE)");
        }
    } catch (const std::exception& e) {
        std::cerr << "could not drop test databases: " << e.what() << "\n";
    }
}

std::string TempDatabases::sync_url_plain() const {
    return "dbname=" + sync_name_ + " user=" + plain_role + " password=" + plain_role_password;
}

EnvChanges TempDatabases::env(bool plain_sync_role) const {
    return {{"DATABASE_URL", auth_url()},
            {"SYNC_DATABASE_URL", plain_sync_role ? sync_url_plain() : sync_url()}};
}

void TempDatabases::add_user(const std::string& id, const std::string& email, bool deleted) {
    pqxx::work tx{*auth_};
    tx.exec_params("INSERT INTO auth.users (id, name, email, deleted_at) "
                   "VALUES ($1, $1, $2, CASE WHEN $3 THEN now() END)",
                   id, email, deleted);
    tx.commit();
}

void TempDatabases::add_space(const std::string& id, const std::string& slug,
                              const std::string& type) {
    pqxx::work tx{*auth_};
    tx.exec_params("INSERT INTO auth.organizations (id, name, slug, metadata) "
                   "VALUES ($1, $1, $2, jsonb_build_object('type', $3::text, 'tier', 'public'))",
                   id, slug, type);
    tx.commit();
}

void TempDatabases::add_member(const std::string& space_id, const std::string& user_id,
                               const std::string& role, int minutes_ago) {
    pqxx::work tx{*auth_};
    tx.exec_params("INSERT INTO auth.members (id, organization_id, user_id, role, created_at) "
                   "VALUES ($1 || ':' || $2, $1, $2, $3, now() - make_interval(mins => $4))",
                   space_id, user_id, role, minutes_ago);
    tx.commit();
}

void TempDatabases::add_sync_row(const std::string& table_name, const std::string& record_id,
                                 const std::string& user_id, const std::string& space_id,
                                 const std::string& app_id) {
    pqxx::work tx{*sync_};
    tx.exec_params("INSERT INTO sync_changes (app_id, table_name, record_id, user_id, op, data, "
                   "client_id, space_id) VALUES ($1, $2, $3, $4, 'insert', '{}', 'web:client', "
                   "NULLIF($5, ''))",
                   app_id, table_name, record_id, user_id, space_id);
    tx.commit();
}

void TempDatabases::add_users_with_spaces(long long n) {
    pqxx::work tx{*auth_};
    tx.exec_params(
        "INSERT INTO auth.users (id, name, email) "
        "SELECT 'u' || g, 'u' || g, 'u' || g || '@example.com' FROM generate_series(1, $1) g",
        n);
    tx.exec_params("INSERT INTO auth.organizations (id, name, slug, metadata) "
                   "SELECT 's' || g, 's' || g, 's' || g, '{\"type\":\"personal\"}' "
                   "FROM generate_series(1, $1) g",
                   n);
    tx.exec_params("INSERT INTO auth.members (id, organization_id, user_id, role) "
                   "SELECT 'm' || g, 's' || g, 'u' || g, 'owner' FROM generate_series(1, $1) g",
                   n);
    tx.commit();
}

pqxx::result TempDatabases::sync_query(const std::string& sql) {
    pqxx::nontransaction tx{*sync_};
    return tx.exec(sql);
}

pqxx::result TempDatabases::auth_query(const std::string& sql) {
    pqxx::nontransaction tx{*auth_};
    return tx.exec(sql);
}

long long TempDatabases::sync_count(const std::string& where) {
    return sync_query("SELECT count(*) FROM sync_changes WHERE " + where)[0][0].as<long long>();
}

long long TempDatabases::auth_count(const std::string& table, const std::string& where) {
    return auth_query("SELECT count(*) FROM " + table + " WHERE " + where)[0][0].as<long long>();
}

std::string TempDatabases::sync_clock() {
    return sync_query("SELECT clock_timestamp()::text")[0][0].as<std::string>();
}

long long TempDatabases::tool_sessions_on_sync(const std::string& since) {
    pqxx::nontransaction tx{*sync_};
    return tx
        .exec_params1("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                      "AND application_name = 'mana-auth' AND backend_start > $1::timestamptz",
                      since)[0]
        .as<long long>();
}

} // namespace mana::test
