// The idempotent bootstrap of one user (its userContext and the kontextDoc
// of every Space it belongs to) or of one Space.
#pragma once

#include "auth/directory.hpp"
#include "util/error.hpp"
#include "sync/sync_log.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mana {

// A live user by id or email, or an Error: usage (a malformed id), not_found
// (no such user, or soft-deleted).
UserRecord resolve_live_user(Database& auth, const std::optional<std::string>& id,
                             const std::optional<std::string>& email);

// A Space by id or slug, or an Error (usage, not_found).
SpaceRecord resolve_space(Database& auth, const std::optional<std::string>& id,
                          const std::optional<std::string>& slug);

struct SpaceOutcome {
    std::string space_id;
    std::string writer;             // who writes it (an orphan is an Error before)
    std::optional<Outcome> outcome; // none: see failed
    std::optional<ItemFailure> failed;
};

struct UserBootstrap {
    std::string user_id;
    Outcome user_context;
    std::vector<SpaceOutcome> spaces;
    bool any_failed() const;
    bool anything_missing() const; // dry run: something would be written
};

// The user's userContext, then each Space's kontextDoc (written by that
// Space's writer). A Space that fails is reported and the others go on.
UserBootstrap bootstrap_user(Database& auth, Database& sync, const UserRecord& user, bool dry_run);

// The Space's kontextDoc. owner, when given, writes it and must be a live
// member (any live user for an orphan Space); an orphan without one is an Error.
SpaceOutcome bootstrap_space(Database& auth, Database& sync, const SpaceRecord& space,
                             const std::optional<std::string>& owner, bool dry_run);

} // namespace mana
