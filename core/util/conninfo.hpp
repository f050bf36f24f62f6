// Connection strings as the operator gives them: a libpq URL or key=value
// string, shown only with the password masked.
#pragma once

#include <string>
#include <vector>

namespace mana {

enum class DbRole { auth, sync };

// "auth database" / "sync database": how every message names a database.
const char* db_label(DbRole role);

// The password in a URL or key=value connection string, as written and, for
// URLs, percent-decoded. Empty when there is none.
std::vector<std::string> conninfo_passwords(const std::string& conninfo);

// The connection string with its password replaced by "****".
std::string mask_conninfo(const std::string& conninfo);

// The connection string with each character of its password replaced by
// '*', keeping its length (for memory others read, such as argv).
std::string blank_conninfo_passwords(const std::string& conninfo);

} // namespace mana
