// Who is who in the auth database: users, Spaces and the writer of each
// Space's kontextDoc (SPEC §2.3).
#pragma once

#include "pg/db.hpp"
#include "util/error.hpp"

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

// Users whose stored email is not in sign-up's form (trimmed, lower-cased):
// rows written by other means. One scan of auth.users finds them all, for a
// command or a whole batch.
class IrregularEmails {
  public:
    static IrregularEmails load(Database& auth);
    // The irregular users whose email folds to email (a normalised one).
    std::vector<std::string> ids_for(const std::string& email) const;

  private:
    std::multimap<std::string, std::string> ids_by_folded_email_;
};

// The failure for two or more stored users that fold to one address.
Error ambiguous_email(const std::string& email, const std::vector<std::string>& user_ids);

// The user of an email as typed (folded as sign-up folds it): the unique
// index first, then the irregular rows. An Error naming both ids when two
// stored users fold to it: never a guess.
std::optional<UserRecord> find_user_by_email(Database& auth, const std::string& email);
std::optional<UserRecord> find_user_by_email(Database& auth, const std::string& email,
                                             const IrregularEmails& irregular);

// A usage Error naming what (e.g. "the user id") unless id is one the
// tool accepts.
void require_valid_id(const std::string& what, const std::string& id);

enum class UserKey { id, email };

// A live user by its id or email, or an Error: usage (a malformed id or
// address), not_found (no such user, or soft-deleted: soft_deleted_means
// says what the caller will not do with it).
UserRecord resolve_live_user(Database& auth, UserKey by, const std::string& key,
                             const std::string& soft_deleted_means);

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
