#include "pg/standby_lag.hpp"

#include "pg/session.hpp"
#include "util/error.hpp"
#include "util/interrupt.hpp"
#include "util/option_names.hpp"

#include <algorithm>

namespace mana {
namespace {

// What a standby in pg_stat_replication is when it streams or catches up
// (not a base backup's walsender).
constexpr const char* streaming = "r.state IN ('streaming', 'catchup')";

} // namespace

std::optional<std::string> role_blind_to_standbys(Database& sync) {
    const auto row = sync.run([](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        return tx.exec1("SELECT current_user, current_setting('is_superuser')::bool OR "
                        "pg_has_role('pg_read_all_stats', 'USAGE')");
    });
    if (row[1].as<bool>()) return std::nullopt;
    return row[0].as<std::string>();
}

void require_standbys_visible(Database& sync) {
    if (const auto role = role_blind_to_standbys(sync)) {
        throw failure(option_name(Option::max_lag) + ": the sync role " + *role +
                      " cannot see its standbys' lag (PostgreSQL shows it only to superusers and "
                      "members of pg_monitor or pg_read_all_stats): GRANT pg_monitor TO " +
                      *role + ", or run without " + option_name(Option::max_lag));
    }
}

long long streaming_standbys(Database& sync) {
    return sync.run([](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        return tx.exec1(std::string("SELECT count(*) FROM pg_stat_replication r WHERE ") +
                        streaming)[0]
            .as<long long>();
    });
}

std::optional<StandbyLag> StandbyWatch::furthest_behind(Database& sync) {
    // Not in a transaction block: pg_stat_activity then shows this look as
    // the session's last statement while the run waits.
    const auto rows = sync.run([](pqxx::connection& c) {
        pqxx::nontransaction tx{c};
        return tx.exec(std::string(
                           "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint, "
                           "coalesce(r.application_name, '') || ' (' || coalesce(host("
                           "r.client_addr), 'local socket') || ')', pg_wal_lsn_diff(r.replay_lsn, "
                           "'0/0')::bigint, extract(epoch FROM r.replay_lag)::float8 FROM "
                           "(SELECT 1) primary_position LEFT JOIN pg_stat_replication r ON ") +
                       streaming);
    });
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    written_.emplace_back(now, rows[0][0].as<long long>());
    std::optional<StandbyLag> furthest;
    auto replayed_by_all = written_.back().second;
    for (const auto& row : rows) {
        if (row[1].is_null()) break; // no standby at all
        // A standby that has not said where its replay is counts as behind it all.
        const auto replayed = row[2].as<long long>(-1);
        replayed_by_all = std::min(replayed_by_all, replayed);
        double seconds = row[3].as<double>(0);
        const auto unreplayed =
            std::find_if(written_.begin(), written_.end(),
                         [&](const auto& sample) { return sample.second > replayed; });
        if (unreplayed != written_.end())
            seconds = std::max(seconds,
                               std::chrono::duration<double>(now - unreplayed->first).count());
        if (!furthest || seconds > furthest->seconds)
            furthest = StandbyLag{row[1].as<std::string>(), seconds};
    }
    while (written_.size() > 1 && written_.front().second <= replayed_by_all)
        written_.pop_front();
    return furthest;
}

bool StandbyWatch::wait_until_caught_up(Database& sync, const std::function<bool()>& stopping,
                                        const std::function<void(const StandbyLag&)>& waiting) {
    if (!max_lag_seconds_) return !stopping();
    for (;;) {
        const auto furthest = furthest_behind(sync);
        if (!furthest || furthest->seconds <= static_cast<double>(*max_lag_seconds_))
            return !stopping();
        waiting(*furthest);
        // Looks again in half a second; a signal ends the wait at once.
        if (!sleep_until_unless(std::chrono::steady_clock::now() + std::chrono::milliseconds(500),
                                stopping))
            return false;
    }
}

} // namespace mana
