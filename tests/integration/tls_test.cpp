// TLS to a server of the test's own whose certificate a test CA (made here
// with openssl) signed: verify-full connects, a wrong CA or host name is one
// line naming the database and the reason, require connects without a CA.
#include "checks.hpp"
#include "test_server.hpp"

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace mana::test;

namespace {

// A CA, the server's certificate for localhost that it signed, and a second
// CA that signed nothing; removed when done.
class TestPki {
    const std::string dir_ = server_directory("pki"); // the server reads its certificate here
    std::string path(const std::string& name) const { return dir_ + "/" + name; }

  public:
    const std::string ca = path("ca.crt");
    const std::string other_ca = path("other-ca.crt");
    const TlsFiles server{path("server.crt"), path("server.key")};

    TestPki() {
        for (const char* name : {"ca", "other-ca"}) {
            openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                     std::string("/CN=mana-auth test ") + name, "-keyout", path(name) + ".key",
                     "-out", path(name) + ".crt"});
        }
        openssl({"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
                 server.key_file, "-out", path("server.csr")});
        std::ofstream(path("san.ext")) << "subjectAltName = DNS:localhost\n";
        openssl({"x509", "-req", "-days", "2", "-in", path("server.csr"), "-CA", ca, "-CAkey",
                 path("ca.key"), "-CAcreateserial", "-extfile", path("san.ext"), "-out",
                 server.cert_file});
        // The server takes a key only its own user can read.
        chmod(server.key_file.c_str(), 0600);
        if (geteuid() == 0) run({"chown", "postgres", server.key_file, server.cert_file});
    }
    ~TestPki() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    TestPki(const TestPki&) = delete;
    TestPki& operator=(const TestPki&) = delete;

  private:
    static void openssl(std::vector<std::string> args) {
        args.insert(args.begin(), "openssl");
        const auto result = run(args);
        if (result.exit_code != 0) throw std::runtime_error("openssl: " + result.err);
    }
};

} // namespace

TEST_CASE("TLS verify-full with the test CA connects, a wrong CA or host name is refused in one "
          "line, require connects") {
    TestPki pki;
    TestServer server;
    server.enable_tls(pki.server);
    const auto url = [&](const std::string& host, const std::string& db, const std::string& tls) {
        return "postgresql://postgres:tls-secret-pw@" + host + ":" + std::to_string(server.port()) +
               "/" + db + "?" + tls;
    };
    const auto check = [&](const std::string& host, const std::string& tls,
                           const EnvChanges& env = {}) {
        auto all = env;
        all["DATABASE_URL"] = url(host, server.auth_name(), tls);
        all["SYNC_DATABASE_URL"] = url(host, server.sync_name(), tls);
        return cli({"reconcile", "--all", "--check"}, all);
    };
    const auto verified = "sslmode=verify-full&sslrootcert=" + pki.ca;

    const auto good = check("localhost", verified);
    INFO(good.err);
    CHECK(good.exit_code == 0);
    CHECK(check("localhost", "sslmode=require").exit_code == 0);
    CHECK(check("localhost", "sslmode=verify-full", {{"PGSSLROOTCERT", pki.ca}}).exit_code == 0);

    const auto wrong_ca = check("localhost", "sslmode=verify-full&sslrootcert=" + pki.other_ca);
    CHECK_ONE_LINE_ERROR(
        wrong_ca, 1,
        "auth database (postgresql://postgres:****@localhost:" + std::to_string(server.port()) +
            "/" + server.auth_name() + "?sslmode=verify-full");
    CHECK_THAT(wrong_ca.err, Catch::Contains("certificate verify failed"));
    const auto wrong_host = check("127.0.0.1", verified);
    CHECK_ONE_LINE_ERROR(wrong_host, 1, "auth database (postgresql://postgres:****@127.0.0.1:");
    CHECK_THAT(wrong_host.err, Catch::Contains("server certificate for \"localhost\"") &&
                                   Catch::Contains("does not match host name \"127.0.0.1\""));
    for (const auto& result : {good, wrong_ca, wrong_host})
        CHECK_THAT(result.err, !Catch::Contains("tls-secret-pw"));
}
