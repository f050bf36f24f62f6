#include "sync/bootstrap.hpp"

#include "pg/session.hpp"
#include "util/error.hpp"
#include "auth/identity.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace mana {
namespace {

void require_valid_id(const std::string& what, const std::string& id) {
    const auto problem = id_problem(id);
    if (!problem.empty()) throw usage_error(what + " " + problem);
}

SpaceOutcome ensure_space(Database& sync, const SpaceRecord& space, const std::string& writer,
                          bool dry_run) {
    SpaceOutcome result{space.id, writer, std::nullopt, std::nullopt};
    result.failed = attempt(space.id, [&] {
        result.outcome = ensure_kontext_doc(sync, {space.id, writer, space.member_ids}, dry_run);
    });
    return result;
}

} // namespace

UserRecord resolve_live_user(Database& auth, const std::optional<std::string>& id,
                             const std::optional<std::string>& email) {
    std::optional<UserRecord> user;
    if (id) {
        require_valid_id("the user id", *id);
        user = find_user_by_id(auth, *id);
    } else if (email) {
        user = find_user_by_email(auth, normalize_email(*email)); // not an address: exit 2
    } else {
        throw usage_error("name a user: USER_ID or --email EMAIL");
    }
    const auto name = id ? "user " + *id : "user with email " + *email;
    if (!user) throw not_found(name + " not found in the auth database");
    if (user->deleted) {
        throw not_found(name + " is soft-deleted (deleted_at is set); it is not bootstrapped");
    }
    return *user;
}

SpaceRecord resolve_space(Database& auth, const std::optional<std::string>& id,
                          const std::optional<std::string>& slug) {
    std::optional<SpaceRecord> space;
    if (id) {
        require_valid_id("the Space id", *id);
        space = find_space_by_id(auth, *id);
    } else if (slug) {
        require_valid_id("the slug", *slug);
        space = find_space_by_slug(auth, *slug);
    } else {
        throw usage_error("name a Space: SPACE_ID or --slug SLUG");
    }
    if (!space) {
        throw not_found((id ? "Space " + *id : "Space with slug " + *slug) +
                        " not found in the auth database");
    }
    return *space;
}

bool UserBootstrap::any_failed() const {
    return std::any_of(spaces.begin(), spaces.end(),
                       [](const auto& s) { return s.failed.has_value(); });
}

bool UserBootstrap::anything_missing() const {
    return user_context == Outcome::would_write ||
           std::any_of(spaces.begin(), spaces.end(),
                       [](const auto& s) { return s.outcome == Outcome::would_write; });
}

UserBootstrap bootstrap_user(Database& auth, Database& sync, const UserRecord& user, bool dry_run) {
    UserBootstrap result{user.id, ensure_user_context(sync, user.id, dry_run), {}};
    for (const auto& space_id : spaces_of_member(auth, user.id)) {
        // The user is a live member, so every one of its Spaces has a writer.
        const auto space = find_space_by_id(auth, space_id);
        if (!space || !space->writer) continue; // deleted meanwhile
        result.spaces.push_back(ensure_space(sync, *space, *space->writer, dry_run));
    }
    return result;
}

SpaceOutcome bootstrap_space(Database& auth, Database& sync, const SpaceRecord& space,
                             const std::optional<std::string>& owner, bool dry_run) {
    std::string writer;
    if (owner) {
        require_valid_id("--owner", *owner);
        const auto user = find_user_by_id(auth, *owner);
        if (!user || user->deleted) {
            throw not_found("--owner " + *owner + " is not a live user of the auth database");
        }
        if (space.writer && !is_live_member(auth, space.id, *owner)) {
            throw not_found("--owner " + *owner + " is not a live member of Space " + space.id);
        }
        writer = *owner;
    } else if (space.writer) {
        writer = *space.writer;
    } else {
        throw failure("Space " + space.id +
                      " is an orphan (no live member); nothing written: pass --owner USER_ID "
                      "to choose who writes its kontextDoc");
    }
    auto result = ensure_space(sync, space, writer, dry_run);
    if (result.failed) throw failure(result.failed->error);
    return result;
}

} // namespace mana
