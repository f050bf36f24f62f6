// Benchmark of `export --with-password-hashes` (SPEC §8, issue 33): its time
// against the floor, one COPY of the same rows out of the server, and its
// peak RSS at a tenth of the users and at all of them (flat: the users are
// read a page at a time).
//
//   export_bench [--users N]
//
// DATABASE_URL names an auth database made from sql/ (tests/bench/run sets
// up a local cluster); the users it adds are removed when it ends.
#include "bench_support.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <iostream>
#include <pqxx/pqxx>
#include <unistd.h>

using namespace mana::bench;

namespace {

// Users first..last with a credential each, in the service's shapes.
void add_users(pqxx::connection& auth, long long first, long long last) {
    pqxx::work tx{auth};
    tx.exec_params("INSERT INTO auth.users (id, name, email, email_verified, access_tier) "
                   "SELECT 'xb' || i, 'User ' || i, 'export' || i || '@example.com', i % 2 = 0, "
                   "'beta' FROM generate_series($1::bigint, $2::bigint) i",
                   first, last);
    tx.exec_params("INSERT INTO auth.accounts (id, account_id, provider_id, user_id, password) "
                   "SELECT 'xa' || i, 'xb' || i, 'credential', 'xb' || i, md5(i::text) || ':' || "
                   "md5('a' || i) || md5('b' || i) || md5('c' || i) || md5('d' || i) "
                   "FROM generate_series($1::bigint, $2::bigint) i",
                   first, last);
    tx.commit();
}

void remove_users(pqxx::connection& auth) {
    pqxx::work tx{auth};
    tx.exec("DELETE FROM auth.users WHERE id LIKE 'xb%'");
    tx.commit();
}

} // namespace

int main(int argc, char** argv) try {
    long long users = 100000;
    if (argc == 3 && std::string(argv[1]) == "--users") users = std::atoll(argv[2]);
    const char* binary = std::getenv("MANA_AUTH_BIN");
    const char* auth_url = std::getenv("DATABASE_URL");
    if (!binary || !auth_url) {
        std::cerr << "set DATABASE_URL and MANA_AUTH_BIN (tests/bench/run does)\n";
        return 2;
    }
    pqxx::connection auth{auth_url};
    remove_users(auth);
    const auto out = "/tmp/mana-export-bench-" + std::to_string(getpid()) + ".jsonl";
    const auto export_users = [&] {
        return run_timed({binary, "export", "--with-password-hashes", "--out", out, "--quiet"});
    };
    add_users(auth, 1, users / 10);
    const auto tenth = export_users();
    add_users(auth, users / 10 + 1, users);
    pqxx::nontransaction(auth).exec("VACUUM ANALYZE auth.users, auth.accounts");
    // The floor: the same columns of the same rows, out of the server once.
    const auto floor = run_timed(
        {"psql", "-qX", auth_url, "-c",
         "COPY (SELECT u.id, u.email, u.name, u.access_tier, u.role, u.kind, u.email_verified, "
         "a.password FROM auth.users u LEFT JOIN auth.accounts a ON a.user_id = u.id AND "
         "a.provider_id = 'credential' WHERE u.deleted_at IS NULL) TO STDOUT"});
    const auto all = export_users();
    std::remove(out.c_str());
    remove_users(auth);
    std::cout << fmt::format("export benchmark: {} users with their password hashes\n", users);
    std::cout << fmt::format("  floor, one COPY of the rows (psql): {:.2f} s\n", floor.seconds);
    std::cout << fmt::format(
        "  export (exit {}): {:.2f} s = {:.0f} users/s = {:.2f}x the floor; peak RSS {} KB\n",
        all.exit_code, all.seconds, static_cast<double>(users) / all.seconds,
        all.seconds / floor.seconds, all.peak_rss_kb);
    std::cout << fmt::format("  at {} users: peak RSS {} KB; {}x the users, {:.2f}x the memory\n",
                             users / 10, tenth.peak_rss_kb, 10,
                             static_cast<double>(all.peak_rss_kb) /
                                 static_cast<double>(tenth.peak_rss_kb));
    return all.exit_code == 0 && tenth.exit_code == 0 && floor.exit_code == 0 ? 0 : 1;
} catch (const std::exception& e) {
    std::cerr << "export_bench: " << e.what() << "\n";
    return 1;
}
