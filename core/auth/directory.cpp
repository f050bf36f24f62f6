#include "auth/directory.hpp"

#include "auth/identity.hpp"
#include "pg/session.hpp"
#include "util/text.hpp"

namespace mana {
namespace {

// The writers of the Spaces of the array $1, as "id, writer" rows; a Space
// without one (an orphan) or no longer there has no row. The rule, defined
// here only: the member with role 'owner' (the earliest, if several), else
// the earliest member; soft-deleted users never write. Ties are broken in
// the "C" collation: quick, and alike on every server. One index probe per
// Space, so a batch costs the same however many members the platform has (a
// join on the whole array read all of auth.members for every batch: 0.12 s
// a batch at a million members, and more with every member). A Space no
// longer there has no members (they are deleted with it, SPEC §2.1), so
// auth.organizations is not read: 3 million Spaces, a tenth missing, had
// their writers in 5.1 to 5.9 s instead of 7.5 to 8.1 s.
constexpr const char* space_writers_sql =
    "SELECT b.id, w.user_id FROM unnest($1::text[]) AS b(id) "
    "CROSS JOIN LATERAL (SELECT m.user_id FROM auth.members m "
    "                    JOIN auth.users u ON u.id = m.user_id AND u.deleted_at IS NULL "
    "                    WHERE m.organization_id = b.id "
    "                    ORDER BY m.role = 'owner' DESC, m.created_at, m.id COLLATE \"C\" "
    "                    LIMIT 1) w";

std::optional<UserRecord> find_user(Database& auth, const std::string& where,
                                    const std::string& value) {
    return auth.run([&](pqxx::connection& c) -> std::optional<UserRecord> {
        pqxx::read_transaction tx{c};
        const auto r = tx.exec_params(
            "SELECT id, email, deleted_at IS NOT NULL FROM auth.users WHERE " + where, value);
        if (r.empty()) return std::nullopt;
        return UserRecord{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<bool>()};
    });
}

std::optional<SpaceRecord> find_space(Database& auth, const std::string& where,
                                      const std::string& value) {
    return auth.run([&](pqxx::connection& c) -> std::optional<SpaceRecord> {
        pqxx::read_transaction tx{c};
        const auto space = tx.exec_params(
            "SELECT id, coalesce(slug, '') FROM auth.organizations WHERE " + where, value);
        if (space.empty()) return std::nullopt;
        SpaceRecord record{space[0][0].as<std::string>(), space[0][1].as<std::string>(), {}, {}};
        const auto writer = tx.exec_params(space_writers_sql, pg_text_array({record.id}));
        if (!writer.empty()) record.writer = writer[0][1].as<std::string>();
        for (const auto& row :
             tx.exec_params("SELECT DISTINCT user_id FROM auth.members WHERE organization_id = $1",
                            record.id)) {
            record.member_ids.push_back(row[0].as<std::string>());
        }
        return record;
    });
}

} // namespace

std::optional<UserRecord> find_user_by_id(Database& auth, const std::string& id) {
    return find_user(auth, "id = $1", id);
}

void require_valid_id(const std::string& what, const std::string& id) {
    const auto problem = id_problem(id);
    if (!problem.empty()) throw usage_error(what + " " + problem);
}

UserRecord resolve_live_user(Database& auth, UserKey by, const std::string& key,
                             const std::string& soft_deleted_means) {
    std::optional<UserRecord> user;
    if (by == UserKey::id) {
        require_valid_id("the user id", key);
        user = find_user_by_id(auth, key);
    } else {
        user = find_user_by_email(auth, normalize_email(key)); // not an address: exit 2
    }
    const auto name = by == UserKey::id ? "user " + key : "user with email " + key;
    if (!user) throw not_found(name + " not found in the auth database");
    if (user->deleted)
        throw not_found(name + " is soft-deleted (deleted_at is set); " + soft_deleted_means);
    return *user;
}

IrregularEmails IrregularEmails::load(Database& auth) {
    return auth.run([](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        IrregularEmails found;
        // A superset of the rows whose folded email differs (lower() of any
        // collation folds A-Z); the fold itself is the sign-up's, below.
        for (const auto& row :
             tx.exec("SELECT id, email FROM auth.users WHERE email <> "
                     "lower(email) OR email <> btrim(email, E' \\t\\n\\r\\f\\v')")) {
            const auto email = row[1].as<std::string>();
            const auto folded = ascii_lower(trim(email));
            if (folded != email)
                found.ids_by_folded_email_.emplace(folded, row[0].as<std::string>());
        }
        return found;
    });
}

std::vector<std::string> IrregularEmails::ids_for(const std::string& email) const {
    std::vector<std::string> ids;
    const auto [first, last] = ids_by_folded_email_.equal_range(email);
    for (auto it = first; it != last; ++it)
        ids.push_back(it->second);
    return ids;
}

Error ambiguous_email(const std::string& email, const std::vector<std::string>& user_ids) {
    return failure(email + " belongs to " + std::to_string(user_ids.size()) + " stored users (" +
                   join(user_ids) +
                   ") whose emails differ only in case or spaces: merge or fix them first");
}

std::optional<UserRecord> find_user_by_email(Database& auth, const std::string& email) {
    return find_user_by_email(auth, email, IrregularEmails::load(auth));
}

std::optional<UserRecord> find_user_by_email(Database& auth, const std::string& email,
                                             const IrregularEmails& irregular) {
    const auto folded = ascii_lower(trim(email));
    auto ids = irregular.ids_for(folded);
    auto user = find_user(auth, "email = $1", folded);
    if (user) ids.insert(ids.begin(), user->id);
    if (ids.size() > 1) throw ambiguous_email(folded, ids);
    if (!user && !ids.empty()) user = find_user_by_id(auth, ids.front());
    return user;
}

std::vector<std::string> spaces_of_member(Database& auth, const std::string& user_id) {
    return auth.run([&](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        std::vector<std::string> ids;
        for (const auto& row :
             tx.exec_params("SELECT organization_id FROM auth.members WHERE user_id = $1 "
                            "GROUP BY organization_id ORDER BY min(created_at), organization_id",
                            user_id)) {
            ids.push_back(row[0].as<std::string>());
        }
        return ids;
    });
}

std::optional<SpaceRecord> find_space_by_id(Database& auth, const std::string& id) {
    return find_space(auth, "id = $1", id);
}

std::optional<SpaceRecord> find_space_by_slug(Database& auth, const std::string& slug) {
    return find_space(auth, "slug = $1", slug);
}

std::map<std::string, std::string> writers_of(Database& auth,
                                              const std::vector<std::string>& space_ids) {
    return auth.run([&](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        std::map<std::string, std::string> writers;
        for (const auto& row : tx.exec_params(space_writers_sql, pg_text_array(space_ids)))
            writers.emplace(row[0].as<std::string>(), row[1].as<std::string>());
        return writers;
    });
}

bool is_live_member(Database& auth, const std::string& space_id, const std::string& user_id) {
    return auth.run([&](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        return !tx.exec_params("SELECT 1 FROM auth.members m JOIN auth.users u ON u.id = m.user_id "
                               "WHERE m.organization_id = $1 AND m.user_id = $2 "
                               "AND u.deleted_at IS NULL",
                               space_id, user_id)
                    .empty();
    });
}

} // namespace mana
