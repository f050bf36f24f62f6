#include "ops/dev_cluster.hpp"

#include "pg/db.hpp"
#include "pg/schema.hpp"
#include "pg/session.hpp"
#include "util/error.hpp"
#include "util/option_names.hpp"
#include "util/subprocess.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <netinet/in.h>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace mana {
namespace fs = std::filesystem;
namespace {

constexpr const char* auth_db_name = "mana_platform";
constexpr const char* sync_db_name = "mana_sync";

// As root the server must run as the postgres system user.
std::optional<passwd> server_account() {
    if (geteuid() != 0) return std::nullopt;
    const passwd* pw = getpwnam("postgres");
    if (!pw)
        throw failure(
            "dev: running as root needs the postgres system user: apt-get install postgresql");
    return *pw;
}

fs::path bindir() {
    if (const char* env = std::getenv("MANA_PG_BINDIR")) return env;
    std::optional<fs::path> best;
    int best_version = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        const int version = std::atoi(entry.path().filename().c_str());
        if (version > best_version && fs::exists(entry.path() / "bin/initdb")) {
            best_version = version;
            best = entry.path() / "bin";
        }
    }
    if (!best) {
        throw failure("dev: PostgreSQL server programs not found in /usr/lib/postgresql: "
                      "apt-get install postgresql (or set MANA_PG_BINDIR)");
    }
    return *best;
}

// Runs a program (as the server account when root), its output appended to
// log (created by the parent, so the server account may not own it); returns
// its exit status.
int run(const std::vector<std::string>& argv, const fs::path& log) {
    const auto account = server_account();
    const pid_t pid = fork();
    if (pid < 0) throw failure("dev: fork failed");
    if (pid == 0) {
        const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (out < 0) _exit(125);
        dup2(out, STDOUT_FILENO);
        dup2(out, STDERR_FILENO);
        if (account && (setgid(account->pw_gid) != 0 || setuid(account->pw_uid) != 0)) _exit(126);
        exec_program(argv);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return exit_code_of(status);
}

// Whether the server account can enter and write dir (a private parent
// such as /root stops it).
bool server_can_use(const fs::path& dir) {
    const auto account = server_account();
    if (!account) return true;
    const pid_t pid = fork();
    if (pid == 0) {
        const bool ok = setgid(account->pw_gid) == 0 && setuid(account->pw_uid) == 0 &&
                        access(dir.c_str(), R_OK | W_OK | X_OK) == 0;
        _exit(ok ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return exit_code_of(status) == 0;
}

int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        if (fd >= 0) close(fd);
        throw failure("dev: cannot find a free TCP port on 127.0.0.1");
    }
    close(fd);
    return ntohs(addr.sin_port);
}

fs::path data_dir(const fs::path& dir) {
    return dir / "data";
}

fs::path dev_log(const fs::path& dir) {
    return dir / "dev.log";
}

int read_port(const fs::path& dir) {
    std::ifstream in(dir / "port");
    int port = 0;
    in >> port;
    return port;
}

bool is_running(const fs::path& dir) {
    return fs::exists(data_dir(dir) / "PG_VERSION") &&
           run({(bindir() / "pg_ctl").string(), "status", "-D", data_dir(dir).string()},
               "/dev/null") == 0;
}

void create_cluster(const fs::path& dir) {
    const int port = free_port();
    if (run({(bindir() / "initdb").string(), "-D", data_dir(dir).string(), "-U", "postgres",
             "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions"},
            dev_log(dir)) != 0) {
        throw failure("dev: initdb failed; see " + dev_log(dir).string());
    }
    // Loopback TCP only: no socket file to collide with, nothing exposed.
    std::ofstream conf(data_dir(dir) / "postgresql.conf", std::ios::app);
    conf << "\n# mana-auth dev\nport = " << port
         << "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nfsync = off\n";
    std::ofstream(dir / "port") << port << '\n';
}

void create_database(pqxx::connection& admin, const std::string& name) {
    pqxx::nontransaction tx{admin};
    if (tx.exec_params("SELECT 1 FROM pg_database WHERE datname = $1", name).empty()) {
        tx.exec("CREATE DATABASE " + tx.quote_name(name));
    }
}

std::string url(int port, const char* database) {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/" + database;
}

// Both databases, made from sql/ where they are missing or incomplete
// (apply_schema is idempotent); dropped first when fresh.
void make_databases(const DevCluster& cluster, bool fresh) {
    Database admin(DbRole::auth, url(cluster.port, "postgres"));
    admin.run([fresh](pqxx::connection& c) {
        for (const auto* name : {auth_db_name, sync_db_name}) {
            if (fresh) {
                // Sessions of a shell or an editor still on it go with it.
                pqxx::nontransaction tx{c};
                tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name) + " WITH (FORCE)");
            }
            create_database(c, name);
        }
    });
    Database auth(DbRole::auth, cluster.auth_url());
    apply_schema(auth);
    Database sync(DbRole::sync, cluster.sync_url());
    apply_schema(sync);
}

} // namespace

std::string DevCluster::auth_url() const {
    return url(port, auth_db_name);
}
std::string DevCluster::sync_url() const {
    return url(port, sync_db_name);
}

DevCluster dev_up(const std::string& dir_name) {
    const fs::path dir = fs::absolute(dir_name);
    fs::create_directories(dir);
    if (const auto account = server_account()) {
        fs::permissions(dir, fs::perms::owner_all);
        if (chown(dir.c_str(), account->pw_uid, account->pw_gid) != 0 || !server_can_use(dir)) {
            throw failure("dev: the postgres system user cannot use " + dir.string() +
                          " (is a parent directory private, like /root?): pass " +
                          option_name(Option::dir) + " under /tmp");
        }
    }
    if (!fs::exists(data_dir(dir) / "PG_VERSION")) create_cluster(dir);
    if (!is_running(dir)) {
        spdlog::info("starting the development cluster in {}", dir.string());
        if (run({(bindir() / "pg_ctl").string(), "start", "-w", "-D", data_dir(dir).string(), "-l",
                 (dir / "postgres.log").string()},
                dev_log(dir)) != 0) {
            throw failure("dev: the server did not start; see " + (dir / "postgres.log").string());
        }
    }
    const DevCluster cluster{dir.string(), read_port(dir), true};
    make_databases(cluster, false);
    return cluster;
}

DevCluster dev_reset(const std::string& dir) {
    const auto cluster = dev_status(dir);
    if (!cluster.running)
        throw failure("dev: no running cluster in " + cluster.dir + ": run `mana-auth dev up`");
    make_databases(cluster, true);
    return cluster;
}

BatchSummary dev_seed(const DevCluster& cluster, const std::string& file, const Catalog& catalog,
                      const BatchCallbacks& callbacks) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw usage_error("cannot read the seed file " + file);
    SignUpReader reader(in, format_for_path(file), {});
    Database auth(DbRole::auth, cluster.auth_url());
    const auto schema = check_auth_for_registration(auth);
    auto sync = check_sync_for_registration(try_connect(DbRole::sync, cluster.sync_url()), catalog);
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    return register_batch(auth, schema, sync, reader, {IfExists::skip, true, cores, catalog},
                          callbacks);
}

void dev_down(const std::string& dir_name) {
    const fs::path dir = fs::absolute(dir_name);
    if (!fs::exists(data_dir(dir) / "PG_VERSION")) {
        throw failure("dev: no development cluster in " + dir.string());
    }
    if (is_running(dir) && run({(bindir() / "pg_ctl").string(), "stop", "-w", "-m", "fast", "-D",
                                data_dir(dir).string()},
                               "/dev/null") != 0) {
        throw failure("dev: the server in " + dir.string() + " did not stop");
    }
    for (const char* name : {"data", "postgres.log", "port", "dev.log"})
        fs::remove_all(dir / name);
    std::error_code ignored; // keep a directory that holds anything else
    fs::remove(dir, ignored);
}

DevCluster dev_status(const std::string& dir_name) {
    const fs::path dir = fs::absolute(dir_name);
    if (!fs::exists(data_dir(dir) / "PG_VERSION")) return {dir.string(), 0, false};
    return {dir.string(), read_port(dir), is_running(dir)};
}

} // namespace mana
