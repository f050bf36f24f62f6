// The text of reconcile's options read into core's values; a usage error
// names the option and what is wrong with its text.
#pragma once

#include "jobs/reconcile_types.hpp"

#include <string>

namespace mana::cli {

// WHEN of the option `flag` (--since, --until): a span (a positive whole
// number of s, m, h or d) or an ISO-8601 timestamp with its zone
// (2026-11-25T03:00:00Z, ...+01:00). A moment still to come is found
// against the auth database's clock, by reconcile.
Moment parse_moment(const std::string& flag, const std::string& when);

// DURATION of the option `flag` (--min-age, --max-lag): a whole number, 0
// included, of s, m, h or d; in seconds.
long long parse_duration(const std::string& flag, const std::string& text);

// --max-writes: N (a whole number) or P% (0 to 100, at most two decimals).
WriteBound parse_write_bound(const std::string& text);

} // namespace mana::cli
