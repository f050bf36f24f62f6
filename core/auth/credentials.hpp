// The password credentials Better Auth signs users in with: the rows of
// auth.accounts whose provider_id is 'credential'.
#pragma once

#include "auth/directory.hpp"
#include "pg/db.hpp"

#include <string>
#include <vector>

namespace mana {

// Live users whose credential is no Better Auth scrypt hash (NULL, another
// algorithm's, cut short): no password signs them in.
struct UnusableCredentials {
    long long count = 0;
    std::vector<std::string> sample; // user ids, in byte order
};

// sample_size (at least 1) of them named.
UnusableCredentials unusable_credentials(Database& auth, int sample_size);

enum class PasswordVerdict {
    matches,
    does_not_match,
    unusable_hash, // the stored credential is no Better Auth scrypt hash
};

struct PasswordCheck {
    UserRecord user;
    PasswordVerdict verdict;
};

// The password against the credential of the live user with email (found
// as sign-up folds it), reading only: an Error not_found when there is no
// such user, it is soft-deleted, or it has no password credential; usage
// when email is no address.
PasswordCheck check_password(Database& auth, const std::string& email, const std::string& password);

} // namespace mana
