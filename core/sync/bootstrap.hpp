// The idempotent bootstrap of one user (its user-scoped singletons and the
// Space-scoped ones of every Space it belongs to) or of one Space, for the
// kinds of a catalog that are not retired.
#pragma once

#include "auth/directory.hpp"
#include "util/error.hpp"
#include "sync/sync_log.hpp"

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mana {

enum class SpaceKey { id, slug };

// What resolve_live_user says of a soft-deleted user, for bootstrap.
inline const std::string not_bootstrapped = "it is not bootstrapped";

// A Space by its id or slug, or an Error (usage, not_found).
SpaceRecord resolve_space(Database& auth, SpaceKey by, const std::string& key);

struct KindOutcome {
    std::string kind; // its name in the catalog
    Outcome outcome;
};

struct SpaceOutcome {
    std::string space_id;
    std::string writer;                // who writes it (an orphan is an Error before)
    std::vector<KindOutcome> outcomes; // in the catalog's order, up to a failure
    std::optional<ItemFailure> failed;
    // The outcome of the kind of that name, when there is one.
    std::optional<Outcome> of(const std::string& kind) const;
};

struct UserBootstrap {
    std::string user_id;
    std::vector<KindOutcome> user_kinds;
    std::vector<SpaceOutcome> spaces;
    bool any_failed() const;
    bool anything_missing() const; // dry run: something would be written
};

// The user's kinds, then each Space's (written by that Space's writer). A
// Space that fails is reported and the others go on.
UserBootstrap bootstrap_user(Database& auth, Database& sync, const Catalog& catalog,
                             const UserRecord& user, bool dry_run);

// Why a Space's singletons have no writer: the one chosen is unfit, or the
// Space is an orphan (no live member) and none was chosen. The caller words
// it, as it knows how the writer was chosen.
struct WriterProblem {
    enum class Kind { malformed_id, not_a_live_user, not_a_live_member, orphan } kind;
    std::string detail; // malformed_id: what is wrong with the id
};

// Who writes the Space's singletons: the chosen user when given (a live
// member, or for an orphan any live user), else the Space's own writer.
std::variant<std::string, WriterProblem> space_writer(Database& auth, const SpaceRecord& space,
                                                      const std::optional<std::string>& chosen);

// The Space's kinds, written by writer (space_writer).
SpaceOutcome bootstrap_space(Database& sync, const Catalog& catalog, const SpaceRecord& space,
                             const std::string& writer, bool dry_run);

} // namespace mana
