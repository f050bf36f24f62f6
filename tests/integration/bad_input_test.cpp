// The bad-input corpus (tests/bad_input/cases.jsonl): every case is one
// command with a bad flag, URL, id, email, password, enum, file row or
// schema. Each must fail with its documented exit code, one line on stderr
// naming the problem, and no row written anywhere.
#include "checks.hpp"
#include "database_checks.hpp"
#include "seed.hpp"
#include "tempdb.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <unistd.h>

using namespace mana::test;
using nlohmann::json;

namespace {

void seed(TempDatabases& db) {
    add_users_with_spaces(db, 3);
    add_user(db, "dead", "dead@example.com", true);
}

// Rows in every table there is (a schema case may have dropped one).
long long all_rows(TempDatabases& db) {
    const auto count = [](pqxx::result tables,
                          const std::function<long long(const std::string&)>& rows) {
        long long n = 0;
        for (const auto& t : tables)
            n += rows(t[0].as<std::string>());
        return n;
    };
    const char* present =
        "SELECT t FROM unnest(ARRAY['auth.users', 'auth.accounts', 'auth.security_events', "
        "'auth.organizations', 'auth.members', 'sync_changes']) t WHERE to_regclass(t) IS NOT NULL";
    return count(auth_query(db, present), [&](const std::string& t) { return auth_count(db, t); }) +
           count(sync_query(db, present), [&](const std::string& t) {
               return sync_query(db, "SELECT count(*) FROM " + t)[0][0].as<long long>();
           });
}

std::string from_hex(const std::string& hex) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return bytes;
}

void run_case(TempDatabases& db, const json& c) {
    const auto file =
        std::filesystem::temp_directory_path() / ("mana-bad-" + std::to_string(getpid()) + ".in");
    if (c.contains("file")) {
        auto content = c["file"].get<std::string>();
        if (const auto at = content.find("<MEGABYTE>"); at != std::string::npos) {
            content.replace(at, 10, std::string(1 << 20, 'n'));
        }
        std::ofstream(file, std::ios::binary) << content;
    }
    std::vector<std::string> args;
    for (const auto& a : c["args"])
        args.push_back(a == "$FILE" ? file.string() : a.get<std::string>());
    auto env = db.env();
    env["MANA_AUTH_PASSWORD"] = std::nullopt;
    if (c.contains("env")) {
        for (const auto& [name, value] : c["env"].items()) {
            env[name] = value.is_null() ? std::nullopt
                                        : std::optional<std::string>(value.get<std::string>());
        }
    }
    const auto input =
        c.contains("stdin_hex") ? from_hex(c["stdin_hex"]) : c.value("stdin", std::string());
    const auto before = all_rows(db);
    const auto result = cli(args, env, input);
    std::filesystem::remove(file);
    INFO("case: " << c["name"].get<std::string>() << "\nstdout: " << result.out
                  << "\nstderr: " << result.err);
    CHECK(result.exit_code == c["exit"].get<int>());
    CHECK(line_count(result.err) == 1);
    auto expected = c["stderr"].get<std::string>();
    if (const auto at = expected.find("$FILE"); at != std::string::npos)
        expected.replace(at, 5, file.string());
    CHECK_THAT(result.err, Catch::Contains(expected));
    CHECK(all_rows(db) == before);
}

std::vector<json> corpus() {
    std::ifstream in(MANA_SOURCE_DIR "/tests/bad_input/cases.jsonl");
    std::vector<json> cases;
    for (std::string line; std::getline(in, line);)
        cases.push_back(json::parse(line));
    return cases;
}


bool is_schema_case(const json& c) {
    return c.contains("auth_sql") || c.contains("sync_sql");
}

bool is_register_case(const json& c) {
    return !c["args"].empty() && c["args"][0] == "register";
}

// The cases that need no schema of their own, on one pair of databases.
void run_cases(const std::function<bool(const json&)>& which) {
    const auto cases = corpus();
    REQUIRE(cases.size() >= 60);
    TempDatabases db;
    seed(db);
    int ran = 0;
    for (const auto& c : cases) {
        if (is_schema_case(c) || !which(c)) continue;
        run_case(db, c);
        ++ran;
    }
    CHECK(ran >= 20);
}

} // namespace

// In two halves of about fifty runs of the sanitizer build each, so that
// ctest spreads them and a loaded machine does not stretch one past its
// timeout.
TEST_CASE("every register case of the bad-input corpus fails cleanly and writes nothing") {
    run_cases(is_register_case);
}

TEST_CASE("every other case of the bad-input corpus fails cleanly and writes nothing") {
    run_cases([](const json& c) { return !is_register_case(c); });
}

TEST_CASE("every schema case of the bad-input corpus fails cleanly and writes nothing") {
    for (const auto& c : corpus()) {
        if (!is_schema_case(c)) continue;
        TempDatabases db;
        seed(db);
        if (c.contains("auth_sql")) auth_query(db, c["auth_sql"]);
        if (c.contains("sync_sql")) sync_query(db, c["sync_sql"]);
        run_case(db, c);
    }
}
