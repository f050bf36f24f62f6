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

} // namespace mana::test
