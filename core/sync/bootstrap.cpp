#include "sync/bootstrap.hpp"

#include "pg/session.hpp"
#include "sync/sync_changes.hpp"
#include "util/error.hpp"
#include "util/text.hpp"

#include <algorithm>

namespace mana {
namespace {

SpaceOutcome ensure_space(Database& sync, const Catalog& catalog, const SpaceRecord& space,
                          const std::string& writer, bool dry_run) {
    SpaceOutcome result{space.id, writer, {}, std::nullopt};
    result.failed = attempt(space.id, [&] {
        for (const auto* kind : writable_kinds(catalog, Scope::space)) {
            result.outcomes.push_back(
                {kind->name, ensure_space_singleton(
                                 sync, *kind, {space.id, writer, space.member_ids}, dry_run)});
        }
    });
    return result;
}

bool would_write(const std::vector<KindOutcome>& outcomes) {
    return std::any_of(outcomes.begin(), outcomes.end(),
                       [](const auto& o) { return o.outcome == Outcome::would_write; });
}

} // namespace

SpaceRecord resolve_space(Database& auth, SpaceKey by, const std::string& key) {
    require_valid_id(by == SpaceKey::id ? "the Space id" : "the slug", key);
    const auto space =
        by == SpaceKey::id ? find_space_by_id(auth, key) : find_space_by_slug(auth, key);
    if (!space) {
        throw not_found((by == SpaceKey::id ? "Space " + key : "Space with slug " + key) +
                        " not found in the auth database");
    }
    return *space;
}

bool UserBootstrap::any_failed() const {
    return std::any_of(spaces.begin(), spaces.end(),
                       [](const auto& s) { return s.failed.has_value(); });
}

std::optional<Outcome> SpaceOutcome::of(const std::string& kind) const {
    for (const auto& o : outcomes)
        if (o.kind == kind) return o.outcome;
    return std::nullopt;
}

bool UserBootstrap::anything_missing() const {
    return would_write(user_kinds) || std::any_of(spaces.begin(), spaces.end(), [](const auto& s) {
               return would_write(s.outcomes);
           });
}

UserBootstrap bootstrap_user(Database& auth, Database& sync, const Catalog& catalog,
                             const UserRecord& user, bool dry_run) {
    if (!dry_run) require_sync_changes_filled(sync, "bootstrap");
    UserBootstrap result{user.id, {}, {}};
    for (const auto* kind : writable_kinds(catalog, Scope::user))
        result.user_kinds.push_back(
            {kind->name, ensure_user_singleton(sync, *kind, user.id, dry_run)});
    for (const auto& space_id : spaces_of_member(auth, user.id)) {
        // The user is a live member, so every one of its Spaces has a writer.
        const auto space = find_space_by_id(auth, space_id);
        if (!space || !space->writer) continue; // deleted meanwhile
        result.spaces.push_back(ensure_space(sync, catalog, *space, *space->writer, dry_run));
    }
    return result;
}

std::variant<std::string, WriterProblem> space_writer(Database& auth, const SpaceRecord& space,
                                                      const std::optional<std::string>& chosen) {
    using Kind = WriterProblem::Kind;
    if (!chosen) {
        if (space.writer) return *space.writer;
        return WriterProblem{Kind::orphan, ""};
    }
    if (const auto problem = id_problem(*chosen); !problem.empty())
        return WriterProblem{Kind::malformed_id, problem};
    const auto user = find_user_by_id(auth, *chosen);
    if (!user || user->deleted) return WriterProblem{Kind::not_a_live_user, ""};
    if (space.writer && !is_live_member(auth, space.id, *chosen))
        return WriterProblem{Kind::not_a_live_member, ""};
    return *chosen;
}

SpaceOutcome bootstrap_space(Database& sync, const Catalog& catalog, const SpaceRecord& space,
                             const std::string& writer, bool dry_run) {
    if (!dry_run) require_sync_changes_filled(sync, "bootstrap");
    auto result = ensure_space(sync, catalog, space, writer, dry_run);
    if (result.failed) throw failure(result.failed->error);
    return result;
}

} // namespace mana
