// `export`: live users as lines that `register --from` reads back (SPEC §8),
// so that they move between databases, with their passwords when asked.
#pragma once

#include "auth/sign_up_reader.hpp"
#include "pg/db.hpp"
#include "util/error.hpp"

#include <functional>
#include <optional>
#include <string>

namespace mana {

// Which live users; a field not given selects every value.
struct ExportFilter {
    std::optional<std::string> tier;
    std::optional<std::string> role;
    std::optional<std::string> kind;
    std::optional<std::string> email_domain; // the part after '@', any case
};

struct ExportOptions {
    ExportFilter filter;
    InputFormat format = InputFormat::jsonl;
    bool with_password_hashes = false; // the credential's, as password_hash
};

struct ExportSummary {
    long long exported = 0;
    long long failed = 0;     // users that register --from would not take back
    bool interrupted = false; // stopped by SIGINT/SIGTERM
};

struct ExportCallbacks {
    std::function<void(const std::string& text)> on_text; // the header, then a line a user
    std::function<void(const ItemFailure&)> on_failure;   // the item is the user's id
};

// Every live user the filter selects (soft-deleted ones never), in id
// order, read a page at a time in one snapshot: memory does not grow with
// the number of users. A user whose row register --from would refuse (an
// address or name it does not accept; with hashes, a credential that is no
// Better Auth scrypt hash, or none) is a failure and not written.
ExportSummary export_users(Database& auth, const ExportOptions& options,
                           const ExportCallbacks& callbacks);

} // namespace mana
