// The idempotent bootstrap of one user (its userContext and the kontextDoc
// of every Space it belongs to) or of one Space.
#pragma once

#include "auth/directory.hpp"
#include "util/error.hpp"
#include "sync/sync_log.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mana {

enum class UserKey { id, email };
enum class SpaceKey { id, slug };

// A live user by its id or email, or an Error: usage (a malformed id),
// not_found (no such user, or soft-deleted).
UserRecord resolve_live_user(Database& auth, UserKey by, const std::string& key);

// A Space by its id or slug, or an Error (usage, not_found).
SpaceRecord resolve_space(Database& auth, SpaceKey by, const std::string& key);

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

// Why a Space's kontextDoc has no writer: the one chosen is unfit, or the
// Space is an orphan (no live member) and none was chosen. The caller words
// it, as it knows how the writer was chosen.
struct WriterProblem {
    enum class Kind { malformed_id, not_a_live_user, not_a_live_member, orphan } kind;
    std::string detail; // malformed_id: what is wrong with the id
};

// Who writes the Space's kontextDoc: the chosen user when given (a live
// member, or for an orphan any live user), else the Space's own writer.
std::variant<std::string, WriterProblem> space_writer(Database& auth, const SpaceRecord& space,
                                                      const std::optional<std::string>& chosen);

// The Space's kontextDoc, written by writer (space_writer).
SpaceOutcome bootstrap_space(Database& sync, const SpaceRecord& space, const std::string& writer,
                             bool dry_run);

} // namespace mana
