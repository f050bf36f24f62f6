#include "test_server.hpp"

#include "checks.hpp"
#include "ops/dev_cluster.hpp"
#include "process.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace mana::test {
namespace {

const std::string bin = "/usr/lib/postgresql/15/bin/";
const std::string auth_db = "mana_platform"; // the dev cluster's names
const std::string sync_db = "mana_sync";

// As the user the server runs as (postgres when the tests run as root);
// throws with its output when it fails.
void run_as_server_user(std::vector<std::string> argv) {
    if (geteuid() == 0) argv.insert(argv.begin(), {"runuser", "-u", "postgres", "--"});
    const auto result = run(argv);
    if (result.exit_code != 0)
        throw std::runtime_error(argv[0] + " failed: " + result.out + result.err);
}

} // namespace

std::string server_directory(const std::string& kind) {
    std::string pattern = "/tmp/mana-" + kind + "-XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    chmod(pattern.c_str(), 0777);
    return pattern;
}

std::string pg_env(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

TestServer::TestServer() : dir_(server_directory("server")) {
    port_ = dev_up(dir_).port;
}

TestServer::~TestServer() {
    try {
        dev_down(dir_);
    } catch (const std::exception&) {
        // Nothing was started.
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void TestServer::crash() {
    run_as_server_user({bin + "pg_ctl", "stop", "-m", "immediate", "-D", dir_ + "/data"});
}

void TestServer::restart() {
    dev_up(dir_);
}

void TestServer::enable_tls(const TlsFiles& tls) {
    {
        pqxx::connection admin{auth_url()};
        pqxx::nontransaction tx{admin};
        tx.exec("ALTER SYSTEM SET ssl_cert_file = " + tx.quote(tls.cert_file));
        tx.exec("ALTER SYSTEM SET ssl_key_file = " + tx.quote(tls.key_file));
        tx.exec("ALTER SYSTEM SET ssl = on");
        tx.exec("SELECT pg_reload_conf()");
    }
    const bool on = eventually([&] {
        try {
            pqxx::connection c{auth_url() + "?sslmode=require"};
            return true;
        } catch (const std::exception&) {
            return false;
        }
    });
    if (!on) throw std::runtime_error("the test server did not turn TLS on");
}

std::string TestServer::auth_url() const {
    return DevCluster{dir_, port_, true}.auth_url();
}
std::string TestServer::sync_url() const {
    return DevCluster{dir_, port_, true}.sync_url();
}
const std::string& TestServer::auth_name() const {
    return auth_db;
}
const std::string& TestServer::sync_name() const {
    return sync_db;
}

Standby::Standby(const TestServer& primary)
    : dir_(server_directory("standby")), port_(primary.port()) {
    run_as_server_user({bin + "pg_basebackup", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U",
                        "postgres", "-D", dir_ + "/data", "-R", "-X", "stream", "--checkpoint=fast",
                        "--no-sync"});
    // The primary's port, but only a socket in this directory: no collision.
    std::ofstream(dir_ + "/data/postgresql.conf", std::ios::app)
        << "\nlisten_addresses = ''\nunix_socket_directories = '" << dir_ << "'\n";
    run_as_server_user({bin + "pg_ctl", "start", "-w", "-t", "60", "-D", dir_ + "/data", "-l",
                        dir_ + "/server.log"});
}

Standby::~Standby() {
    try {
        run_as_server_user({bin + "pg_ctl", "stop", "-m", "immediate", "-D", dir_ + "/data"});
    } catch (const std::exception&) {
        // Not running.
    }
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::string Standby::conninfo(const std::string& dbname) const {
    return "host=" + dir_ + " port=" + std::to_string(port_) + " dbname=" + dbname +
           " user=postgres";
}

} // namespace mana::test
