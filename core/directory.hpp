// Who is who in the auth database: users, Spaces and the writer of each
// Space's kontextDoc (SPEC §2.3).
#pragma once

#include "db.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mana {

struct UserRecord {
    std::string id;
    std::string email;
    bool deleted; // soft-deleted: deleted_at is set
};

std::optional<UserRecord> find_user_by_id(Database& auth, const std::string& id);
// email in any case (it is trimmed and lower-cased, as sign-up stores it).
std::optional<UserRecord> find_user_by_email(Database& auth, const std::string& email);

// The Spaces user_id is a member of, earliest membership first.
std::vector<std::string> spaces_of_member(Database& auth, const std::string& user_id);

struct SpaceRecord {
    std::string id;
    std::string slug;
    std::optional<std::string> writer;   // none: an orphan
    std::vector<std::string> member_ids; // every member, live or not
};

std::optional<SpaceRecord> find_space_by_id(Database& auth, const std::string& id);
std::optional<SpaceRecord> find_space_by_slug(Database& auth, const std::string& slug);

// Whether user_id is a live member of space (a member whose user exists and
// is not soft-deleted).
bool is_live_member(Database& auth, const std::string& space_id, const std::string& user_id);

// The writer of each Space that has one (a missing id is an orphan).
std::map<std::string, std::string> writers_of(Database& auth,
                                              const std::vector<std::string>& space_ids);

} // namespace mana
