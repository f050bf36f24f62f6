#include "pgbouncer.hpp"

#include "checks.hpp"
#include "test_server.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <pqxx/pqxx>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace mana::test {
namespace {

// The socket's name holds the port; the directory is the test's own.
constexpr const char* bouncer_port = "6432";

void write_config(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
    // PgBouncer runs as postgres when the tests run as root.
    chmod(path.c_str(), 0644);
}

} // namespace

PgBouncer::PgBouncer(const std::string& pool_mode, int pool_size) {
    dir_ = server_directory("pgbouncer");
    const std::string user = pg_env("PGUSER", "postgres");
    // trust: clients give no password; PgBouncer logs in to the server with
    // the plain password of the auth file.
    write_config(dir_ + "/users.txt", "\"" + user + "\" \"" + pg_env("PGPASSWORD", "") + "\"\n");
    write_config(dir_ + "/pgbouncer.ini",
                 "[databases]\n* = host=" + pg_env("PGHOST", "/var/run/postgresql") +
                     " port=" + pg_env("PGPORT", "5432") +
                     "\n[pgbouncer]\nlisten_addr =\nunix_socket_dir = " + dir_ +
                     "\nlisten_port = " + bouncer_port + "\nauth_type = trust\nauth_file = " + dir_ +
                     "/users.txt\npool_mode = " + pool_mode +
                     "\ndefault_pool_size = " + std::to_string(pool_size) +
                     "\nmax_client_conn = 200\nlogfile = " + dir_ + "/pgbouncer.log\n");
    std::vector<std::string> argv{"/usr/sbin/pgbouncer", "-q"};
    if (geteuid() == 0) argv.insert(argv.end(), {"-u", "postgres"});
    argv.push_back(dir_ + "/pgbouncer.ini");
    process_ = std::make_unique<Process>(argv);
    const bool ready = eventually([&] {
        try {
            pqxx::connection c{conninfo("postgres")};
            return true;
        } catch (const std::exception&) {
            return false;
        }
    });
    if (!ready) {
        std::ifstream log(dir_ + "/pgbouncer.log");
        throw std::runtime_error("PgBouncer did not accept connections within 60 s: " +
                                 std::string(std::istreambuf_iterator<char>(log), {}));
    }
}

PgBouncer::~PgBouncer() {
    process_->kill(SIGTERM);
    process_->wait();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

std::string PgBouncer::conninfo(const std::string& dbname) const {
    return "host=" + dir_ + " port=" + bouncer_port + " dbname=" + dbname +
           " user=" + pg_env("PGUSER", "postgres");
}

} // namespace mana::test
