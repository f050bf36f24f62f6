// The sign-up's rules for emails, names, enums and personal Space slugs
// (SPEC §3). Each check throws a usage Error naming the problem.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace mana {

// Trimmed and lower-cased, or a usage Error when it is not a valid address
// (the rule of zod's email(), which Better Auth validates with).
std::string normalize_email(std::string_view raw);

// The part before '@' of the trimmed email, as typed.
std::string email_local_part(std::string_view raw);

// A usage Error unless the name is usable (UTF-8, no control characters,
// at most 255 bytes).
void check_name(const std::string& name);

// The labels of the sign-up's enums.
extern const std::vector<std::string> tiers;
extern const std::vector<std::string> roles;
extern const std::vector<std::string> user_kinds;

// A usage Error unless value is one of the enum's labels.
void check_tier(const std::string& tier);
void check_role(const std::string& role);
void check_kind(const std::string& kind);

// The slug rule: lower-cased, runs outside [a-z0-9-] become '-', dashes
// collapsed and trimmed, at most 30 characters. May be empty.
std::string slug_base(std::string_view local_part);

bool is_reserved_slug(std::string_view slug);

// The first free slug for base: base itself, base-2 ... base-999, else base
// with a random 6-letter suffix. An empty base becomes user-<6 random letters>.
std::string choose_slug(const std::string& base, const std::set<std::string>& taken);

} // namespace mana
