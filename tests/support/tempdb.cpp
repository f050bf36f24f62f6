#include "tempdb.hpp"

#include "pg/session.hpp"
#include "pg/locks.hpp"
#include "pg/schema.hpp"

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

// Every test's pair is cloned from a pair of template databases, built once
// per server: a clone costs a fraction of the schemas' DDL. They are named
// after the schemas' text, so an edited sql/ gets templates of its own.
std::string template_name(DbRole role) {
    const auto schemas = std::string(auth_schema_sql()) + sync_schema_sql();
    return "mana_template_" + std::to_string(stable_hash(schemas)) +
           (role == DbRole::auth ? "_auth" : "_sync");
}

void ensure_template(pqxx::connection& admin_conn, DbRole role) {
    const auto name = template_name(role);
    const auto lock = static_cast<long long>(stable_hash(name));
    // The test processes that start together wait here for the one that
    // builds it; the session's end releases the lock if that one dies.
    pqxx::nontransaction{admin_conn}.exec_params("SELECT pg_advisory_lock($1)", lock);
    // Marked a template only once built: one left half-built by a killed
    // process is built again.
    if (pqxx::nontransaction{admin_conn}
            .exec_params("SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate", name)
            .empty()) {
        pqxx::nontransaction{admin_conn}.exec("DROP DATABASE IF EXISTS " +
                                              admin_conn.quote_name(name));
        create(admin_conn, name, role);
        pqxx::nontransaction{admin_conn}.exec("ALTER DATABASE " + admin_conn.quote_name(name) +
                                              " IS_TEMPLATE true");
    }
    pqxx::nontransaction{admin_conn}.exec_params("SELECT pg_advisory_unlock($1)", lock);
}

void clone(pqxx::connection& admin_conn, const std::string& name, DbRole role) {
    ensure_template(admin_conn, role);
    pqxx::nontransaction tx{admin_conn};
    tx.exec("CREATE DATABASE " + tx.quote_name(name) + " TEMPLATE " +
            tx.quote_name(template_name(role)));
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
    clone(*admin_conn, auth_name_, DbRole::auth);
    clone(*admin_conn, sync_name_, DbRole::sync);
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

} // namespace mana::test
