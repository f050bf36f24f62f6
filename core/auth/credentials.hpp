// The password credentials Better Auth signs users in with: the rows of
// auth.accounts whose provider_id is 'credential'.
#pragma once

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

} // namespace mana
