// A PostgreSQL server of a test's own, for what the shared server cannot
// become without disturbing the tests beside it: TLS with a test CA, a
// streaming replica. The primary is a `mana-auth dev` cluster (core's
// dev_cluster: initdb in a temporary directory, 127.0.0.1 and a free port,
// trust authentication, the auth and sync databases made from sql/); a
// standby is its base backup. Each is stopped and removed when destroyed.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace mana::test {

struct TlsFiles {
    std::string cert_file; // the server's certificate
    std::string key_file;
};

class TestServer {
  public:
    TestServer();
    ~TestServer();
    TestServer(const TestServer&) = delete;
    TestServer& operator=(const TestServer&) = delete;

    // Turns TLS on with these files (ALTER SYSTEM, reload); returns once a
    // connection can require it.
    void enable_tls(const TlsFiles& tls);

    // Stops the server as a crash would (pg_ctl stop -m immediate), and
    // starts it again (recovering, on the same port).
    void crash();
    void restart();

    int port() const { return port_; }
    // Connection strings to the auth and sync databases, as the superuser.
    std::string auth_url() const;
    std::string sync_url() const;
    const std::string& auth_name() const;
    const std::string& sync_name() const;

  private:
    std::string dir_;
    int port_ = 0;
};

// A hot standby of a TestServer, streaming from it (pg_basebackup -R), on a
// Unix socket in its own directory; in recovery when constructed.
class Standby {
  public:
    explicit Standby(const TestServer& primary);
    ~Standby();
    Standby(const Standby&) = delete;
    Standby& operator=(const Standby&) = delete;

    std::string conninfo(const std::string& dbname) const;

  private:
    std::string dir_;
    int port_;
};

// A new directory under /tmp that the servers' user may use (postgres when
// the tests run as root): a server's data, sockets and files. kind names it.
std::string server_directory(const std::string& kind);

// A PG* variable that names the shared test server, or fallback.
std::string pg_env(const char* name, const std::string& fallback);

} // namespace mana::test
