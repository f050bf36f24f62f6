// Secrets never reach output or logs. Whatever a secret is (a connection
// password, a user's password), it is registered here once, and every line
// the tool writes to stdout or stderr goes through scrub(). (Secrets under
// four characters are not registered on their own; a connection string
// that holds one is registered whole, to be shown masked.)
#pragma once

#include <string>

namespace mana {

void register_secret(const std::string& secret);

// Every connection password in text, wherever it stands in it (an argument
// such as "--auth-db=postgresql://u:pw@h/db", an environment value): URLs
// and key=value strings both.
void register_connection_secrets(const std::string& text);

// The secrets of an environment variable, from the environment or a
// configuration file: the whole value of PGPASSWORD and MANA_AUTH_PASSWORD,
// the connection passwords in any other's. Whether the value holds one.
bool register_variable_secrets(const std::string& name, const std::string& value);

std::string scrub(std::string text);

// Overwrites in place, keeping its length, every connection password in
// arg that register_connection_secrets finds, so that ps and /proc no
// longer show it; true when there was one.
bool blank_connection_passwords(char* arg);

} // namespace mana
