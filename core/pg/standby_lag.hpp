// --max-lag: how far the sync database's streaming standbys are behind, as
// a writing run sees them from the primary (pg_stat_replication).
//
// The lag of a standby is the larger of the primary's replay_lag and the
// run's own measure: how long ago the primary had written WAL that the
// standby has not yet replayed (the run samples the primary's WAL position
// at each look). The second is what makes a paused replay count: the
// primary computes replay_lag only when the standby's replay position
// moves past a sample, so with replay paused it keeps its last value, and
// an idle primary drops it. A standby that stopped replaying before the run
// began shows by the run's own measure within the bound of its start.
#pragma once

#include "pg/db.hpp"

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace mana {

struct StandbyLag {
    std::string standby; // its application_name and address
    double seconds = 0;
};

// Whether the sync role may see its standbys' replay positions and lag:
// PostgreSQL shows them only to superusers and to roles with the privileges
// of pg_read_all_stats (pg_monitor has them). The role's name, if it may
// not.
std::optional<std::string> role_blind_to_standbys(Database& sync);

// Refuses by name, before a run reads anything, a role that could not see.
void require_standbys_visible(Database& sync);

// The number of standbys streaming from the sync database (or catching up).
long long streaming_standbys(Database& sync);

// Shared by the kinds of one run.
class StandbyWatch {
  public:
    explicit StandbyWatch(std::optional<long long> max_lag_seconds)
        : max_lag_seconds_(max_lag_seconds) {}

    // Before a batch: returns once no standby lags more than the bound, at
    // once without one; false when the run stops first. Tells `waiting`
    // each time it finds one behind.
    bool wait_until_caught_up(Database& sync, const std::function<bool()>& stopping,
                              const std::function<void(const StandbyLag&)>& waiting);

  private:
    // Looks once, on sync's session: the standby furthest behind, if any.
    std::optional<StandbyLag> furthest_behind(Database& sync);

    const std::optional<long long> max_lag_seconds_;
    std::mutex mutex_;
    // The primary's WAL position at each look, oldest first; those every
    // standby has replayed are dropped.
    std::deque<std::pair<std::chrono::steady_clock::time_point, long long>> written_;
};

} // namespace mana
