// The library itself, in process: reconcile(), register_in_auth() and
// bootstrap_user() on the test databases, without the binary. The command
// line's contract is pinned by the other files; these pin what core returns
// as values, and run under the sanitizers with the test process.
#include "auth/credentials.hpp"
#include "auth/directory.hpp"
#include "auth/password.hpp"
#include "auth/registration.hpp"
#include "checks.hpp"
#include "database_checks.hpp"
#include "jobs/batch_register.hpp"
#include "jobs/reconcile.hpp"
#include "ops/doctor.hpp"
#include "seed.hpp"
#include "sync/bootstrap.hpp"
#include "tempdb.hpp"

#include <set>
#include <sstream>

using namespace mana;
using namespace mana::test;

namespace {

ReconcileResult reconcile_in_process(TempDatabases& db, ReconcileOptions options = {}) {
    Database auth(DbRole::auth, db.auth_url());
    Database sync(DbRole::sync, db.sync_url());
    // Progress names the kinds of the run.
    std::set<std::string> reported;
    auto result = reconcile(
        auth, sync, options,
        [&](const std::string& kind, const char*, long long, long long) { reported.insert(kind); });
    CHECK_FALSE(reported.empty());
    for (const auto& kind : reported)
        CHECK(kind_named(result, kind));
    return result;
}

// The counts of one kind of a run.
const KindCounts& counts_of_kind(const ReconcileResult& result, const char* kind) {
    const auto* found = kind_named(result, kind);
    REQUIRE(found);
    return found->counts;
}

} // namespace

TEST_CASE("reconcile() in process writes what is missing once and reports it as values") {
    TempDatabases db;
    add_users_with_spaces(db, 30);
    add_user(db, "gone", "gone@example.com", true);
    add_sync_row(db, "userContext", "singleton", "u1");

    ReconcileOptions check;
    check.write = false;
    const auto looked = reconcile_in_process(db, check);
    CHECK(counts_of_kind(looked, "userContext").scanned == 30);
    CHECK(counts_of_kind(looked, "userContext").missing == 29);
    CHECK(counts_of_kind(looked, "kontextDoc").missing == 30);
    CHECK(counts_of_kind(looked, "userContext").written == 0);
    CHECK(looked.soft_deleted_users == 1);
    CHECK_FALSE(looked.item_by_item);
    CHECK(sync_count(db, "true") == 1);

    const auto wrote = reconcile_in_process(db);
    CHECK(counts_of_kind(wrote, "userContext").written == 29);
    CHECK(counts_of_kind(wrote, "kontextDoc").written == 30);
    CHECK(wrote.failures.empty());
    CHECK_FALSE(wrote.refused);
    CHECK(sync_count(db, "table_name = 'userContext'") == 30);
    CHECK(sync_count(db, "table_name = 'kontextDoc'") == 30);
    check_exactly_once(db);

    const auto again = reconcile_in_process(db);
    CHECK(counts_of_kind(again, "userContext").missing == 0);
    CHECK(counts_of_kind(again, "kontextDoc").missing == 0);
    CHECK(counts_of_kind(again, "userContext").written +
              counts_of_kind(again, "kontextDoc").written ==
          0);
}

TEST_CASE("reconcile() in process refuses past --max-writes with nothing written") {
    TempDatabases db;
    add_users_with_spaces(db, 10);
    ReconcileOptions bounded;
    bounded.max_writes = WriteBound{"19", 19, -1};
    const auto refused = reconcile_in_process(db, bounded);
    REQUIRE(refused.refused);
    CHECK(refused.refused->would_write == 20);
    CHECK(refused.refused->bound == 19);
    CHECK(sync_count(db, "true") == 0);
}

TEST_CASE("register_in_auth() in process creates a user once and skips or refuses it after") {
    TempDatabases db;
    Database auth(DbRole::auth, db.auth_url());
    SignUp sign_up;
    sign_up.email = "  Ada@Example.com ";
    sign_up.password = "correct horse battery";
    const auto prepared = prepare_sign_up(sign_up);
    const auto schema = check_auth_for_registration(auth);
    CHECK(prepared.email == "ada@example.com");
    CHECK(needs_password(auth, sign_up, IrregularEmails::load(auth)));

    const auto created =
        register_in_auth(auth, schema, prepared, IfExists::error, IrregularEmails::load(auth));
    CHECK(created.action == RegisterAction::created);
    CHECK(created.space_created);
    CHECK(auth_count(db, "auth.users", "email = 'ada@example.com' AND id = '" + created.user_id +
                                           "'") == 1);
    CHECK(auth_count(db, "auth.members", "user_id = '" + created.user_id +
                                             "' AND organization_id = '" + created.space_id +
                                             "' AND role = 'owner'") == 1);

    const auto skipped =
        register_in_auth(auth, schema, prepared, IfExists::skip, IrregularEmails::load(auth));
    CHECK(skipped.action == RegisterAction::skipped);
    CHECK(skipped.user_id == created.user_id);
    sign_up.email = "ADA@example.com"; // the same address: it exists
    CHECK_FALSE(needs_password(auth, sign_up, IrregularEmails::load(auth)));

    try {
        register_in_auth(auth, schema, prepared, IfExists::error, IrregularEmails::load(auth));
        FAIL("a second registration of the address was not refused");
    } catch (const Error& e) {
        CHECK(e.code() == Exit::already_exists);
    }
    CHECK(auth_count(db, "auth.users") == 1);
}

TEST_CASE("bootstrap_user() in process writes a user's singletons once and then finds them") {
    TempDatabases db;
    add_users_with_spaces(db, 2);
    add_member(db, "s2", "u1", "member");
    Database auth(DbRole::auth, db.auth_url());
    Database sync(DbRole::sync, db.sync_url());
    const auto user = resolve_live_user(auth, UserKey::id, "u1", not_bootstrapped);

    const auto dry = bootstrap_user(auth, sync, builtin_catalog(), user, true);
    REQUIRE(dry.user_kinds.size() == 1);
    CHECK(dry.user_kinds[0].outcome == Outcome::would_write);
    CHECK(dry.anything_missing());
    CHECK(sync_count(db, "true") == 0);

    const auto first = bootstrap_user(auth, sync, builtin_catalog(), user, false);
    CHECK(first.user_kinds[0].outcome == Outcome::written);
    REQUIRE(first.spaces.size() == 2);
    for (const auto& space : first.spaces) {
        INFO(space.space_id);
        CHECK(space.of("kontextDoc") == Outcome::written);
        CHECK_FALSE(space.failed);
    }
    CHECK_FALSE(first.any_failed());

    const auto second = bootstrap_user(auth, sync, builtin_catalog(), user, false);
    CHECK(second.user_kinds[0].outcome == Outcome::present);
    for (const auto& space : second.spaces)
        CHECK(space.of("kontextDoc") == Outcome::present);
    CHECK(sync_count(db, "table_name = 'userContext' AND user_id = 'u1'") == 1);
    CHECK(sync_count(db, "table_name = 'kontextDoc' AND space_id = 's1'") == 1);
    CHECK(sync_count(db, "table_name = 'kontextDoc' AND space_id = 's2'") == 1);
    CHECK(sync_count(db, "true") == 3);
}

TEST_CASE("register_batch() in process hashes on four threads and registers every row once") {
    TempDatabases db;
    Database auth(DbRole::auth, db.auth_url());
    const auto schema = check_auth_for_registration(auth);
    auto sync =
        check_sync_for_registration(try_connect(DbRole::sync, db.sync_url()), builtin_catalog());
    REQUIRE(sync.db);
    std::ostringstream file;
    for (int i = 1; i <= 12; ++i)
        file << R"({"email":"p)" << i << R"(@example.com","password":"correct horse battery"})"
             << "\n";
    file << R"({"email":"not an address","password":"correct horse battery"})" << "\n";
    std::istringstream in(file.str());
    SignUpReader reader(in, InputFormat::jsonl, SignUp{});
    BatchOptions options;
    options.jobs = 4;
    long long progress_calls = 0;
    std::vector<std::size_t> failed_lines;
    BatchCallbacks callbacks;
    callbacks.on_failure = [&](const RowFailure& row) { failed_lines.push_back(row.line); };
    callbacks.on_progress = [&](const BatchSummary&) { ++progress_calls; };

    const auto summary = register_batch(auth, schema, sync, reader, options, callbacks);
    CHECK(summary.created == 12);
    CHECK(summary.failed == 1);
    CHECK(failed_lines == std::vector<std::size_t>{13});
    CHECK(progress_calls == 13);
    CHECK(summary.singletons_written == 24);
    CHECK_FALSE(summary.sync_error);
    CHECK_FALSE(summary.stopped);
    CHECK(summary.half_done.empty());
    CHECK(auth_count(db, "auth.users") == 12);
    CHECK(auth_count(db, "auth.users", "email = 'p12@example.com'") == 1);
    check_exactly_once(db);
    CHECK(sync_count(db, "true") == 24);
}

TEST_CASE("run_doctor() in process fails a connection the caller could not open and examines the other") {
    TempDatabases db;
    const auto auth = try_connect(DbRole::auth, "postgresql://127.0.0.1:1/nowhere?connect_timeout=5");
    REQUIRE_FALSE(auth.db);
    const auto sync = try_connect(DbRole::sync, db.sync_url());
    REQUIRE(sync.db);
    const auto checks = run_doctor(auth, sync, builtin_catalog());
    REQUIRE(checks.size() > 2);
    CHECK(checks[0].name == "auth database connection");
    CHECK(checks[0].status == CheckStatus::fail);
    CHECK(checks[0].detail == *auth.error);
    CHECK_THAT(checks[0].detail, Catch::Contains("cannot connect"));
    CHECK(checks[1].name == "sync database connection");
    CHECK(checks[1].status == CheckStatus::ok);
    // Nothing more of the auth database, everything of the sync database.
    std::vector<std::string> names;
    for (std::size_t i = 1; i < checks.size(); ++i) {
        INFO(checks[i].name << ": " << checks[i].detail);
        CHECK(checks[i].name.rfind("auth", 0) == std::string::npos);
        CHECK(checks[i].status != CheckStatus::fail);
        names.push_back(checks[i].name);
    }
    CHECK_THAT(names, Catch::VectorContains(std::string("sync database schema")) &&
                          Catch::VectorContains(std::string("sync_changes indexes")));
}

TEST_CASE("space_writer() in process returns a chosen writer's problem as a value") {
    TempDatabases db;
    add_users_with_spaces(db, 2);
    add_user(db, "gone", "gone@example.com", true);
    add_space(db, "orphan", "orphan");
    Database auth(DbRole::auth, db.auth_url());
    const auto s1 = resolve_space(auth, SpaceKey::id, "s1");
    const auto orphan = resolve_space(auth, SpaceKey::slug, "orphan");
    using Kind = WriterProblem::Kind;
    const auto problem = [&](const SpaceRecord& space, const std::optional<std::string>& chosen) {
        const auto writer = space_writer(auth, space, chosen);
        REQUIRE(std::holds_alternative<WriterProblem>(writer));
        return std::get<WriterProblem>(writer);
    };
    CHECK(std::get<std::string>(space_writer(auth, s1, std::nullopt)) == "u1");
    CHECK(std::get<std::string>(space_writer(auth, s1, std::string("u1"))) == "u1");
    CHECK(std::get<std::string>(space_writer(auth, orphan, std::string("u2"))) == "u2");
    CHECK(problem(orphan, std::nullopt).kind == Kind::orphan);
    CHECK(problem(s1, std::string("u2")).kind == Kind::not_a_live_member);
    CHECK(problem(s1, std::string("gone")).kind == Kind::not_a_live_user);
    CHECK(problem(orphan, std::string("nobody")).kind == Kind::not_a_live_user);
    const auto malformed = problem(s1, std::string("u\t1"));
    CHECK(malformed.kind == Kind::malformed_id);
    CHECK(malformed.detail == "contains control characters");
}

TEST_CASE("unusable_credentials() in process finds exactly what is_password_hash() refuses") {
    TempDatabases db;
    const std::string hex32(32, 'a'), hex128(128, '0');
    const std::vector<std::string> stored = {
        hex32 + ":" + hex128,                         // Better Auth's
        "0123456789abcdef0123456789abcdef:" + hex128, // every hex digit
        hex32 + ":" + hex128.substr(1) + "A",         // upper case
        hex32 + ":" + hex128.substr(1) + ":",         // a second ':'
        hex32.substr(1) + ":" + hex128 + "0",         // the ':' one early
        hex32 + ":" + hex128 + "0",                   // one too long
        hex32 + ":" + hex128.substr(1),               // one too short
        hex32 + ":" + hex128.substr(1) + "\xC3\xA9",  // 161 characters, one of two bytes
        hex32 + "g" + hex128,                         // no ':'
        "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
        ""};
    std::vector<std::string> unusable;
    for (std::size_t i = 0; i < stored.size(); ++i) {
        const auto id = "c" + std::to_string(i + 10);
        add_user(db, id, id + "@example.com");
        auth_query(db, "INSERT INTO auth.accounts (id, account_id, provider_id, user_id, password) "
                       "VALUES ('a" +
                           id + "', '" + id + "', 'credential', '" + id + "', '" + stored[i] +
                           "')");
        if (!is_password_hash(stored[i])) unusable.push_back(id);
    }
    Database auth(DbRole::auth, db.auth_url());
    const auto found = unusable_credentials(auth, 100);
    CHECK(found.count == static_cast<long long>(unusable.size()));
    CHECK(found.sample == unusable); // in byte order, as the ids were made
    CHECK(unusable.size() == stored.size() - 2);
}
