// Secrets never reach output or logs. Whatever a secret is (a connection
// password, a user's password), it is registered here once, and every line
// the tool writes to stdout or stderr goes through scrub(). (Secrets under
// four characters are not registered; URLs still show them masked.)
#pragma once

#include <string>

namespace mana {

void register_secret(const std::string& secret);
std::string scrub(std::string text);

} // namespace mana
