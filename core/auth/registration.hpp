// Registration exactly as the service's sign-up does it (SPEC §3): the user,
// its credential, a REGISTER security event, its personal Space and owner
// membership in one auth transaction. Its singletons follow
// (sync/sign_up_singletons.hpp).
#pragma once

#include "auth/directory.hpp"
#include "pg/db.hpp"
#include "pg/schema.hpp"

#include <optional>
#include <string>
#include <vector>

namespace mana {

// What an operator asks for one user: from the command line or a file row.
// A field not given is none: a new user gets the sign-up's default, an
// updated user keeps what it has.
struct SignUp {
    std::string email; // as typed
    std::optional<std::string> password;
    std::optional<std::string> password_hash; // a ready Better Auth hash
    std::optional<std::string> name;          // only spaces: not given
    std::optional<std::string> tier;          // default public
    std::optional<std::string> role;          // default user
    std::optional<std::string> kind;          // default human
    std::optional<bool> verified;             // default false
};

// A sign-up checked and hashed: what goes into the database.
struct PreparedSignUp {
    std::string email; // normalised
    std::optional<std::string> name;
    std::string local_part; // of the email as typed
    std::optional<std::string> password_hash;
    std::optional<std::string> tier;
    std::optional<std::string> role;
    std::optional<std::string> kind;
    std::optional<bool> verified;
};

// Every check of SPEC §3 (usage Errors), without hashing.
void check_sign_up(const SignUp& sign_up);

// check_sign_up, then the scrypt hash (the costly part; thread-safe).
PreparedSignUp prepare_sign_up(const SignUp& sign_up);

enum class IfExists { error, skip, update };
enum class RegisterAction { created, updated, skipped };

// One field an update changed; a password change shows no values.
struct FieldChange {
    std::string field;
    std::string before;
    std::string after;
};

struct Registration {
    RegisterAction action;
    std::string user_id;
    std::string email;
    std::string space_id; // the personal Space; empty when skipped
    std::string space_slug;
    bool space_created = false;
    std::vector<FieldChange> changes; // of an update, in field order
    bool soft_deleted = false;        // skipped: the user is soft-deleted
};

// The auth database as registration found it before its first write. Only
// check_auth_for_registration makes one, so nothing registers unchecked.
class RegistrationSchema {
  public:
    // Whether auth.accounts has Better Auth's issuer column (1.7.0).
    bool accounts_issuer() const { return accounts_issuer_; }

  private:
    explicit RegistrationSchema(bool accounts_issuer) : accounts_issuer_(accounts_issuer) {}
    friend RegistrationSchema check_auth_for_registration(Database& auth);
    bool accounts_issuer_;
};

// The tables registration inserts into, and the columns it fills there.
std::vector<TableFill> registration_tables();

// Before anything is written (SPEC §7): the database takes writes, and no
// table registration inserts into has a NOT NULL column without a default
// that it does not fill; else an Error (exit 1) naming the column.
RegistrationSchema check_auth_for_registration(Database& auth);

// One transaction of the auth database. An email already registered (in
// any case, with any surrounding spaces) is an Error (already_exists) with
// IfExists::error; skip leaves it alone; update changes only the fields the
// sign-up gives. A soft-deleted user is never updated: an Error
// (already_exists) unless skipped. Two stored users for one address are an
// Error naming both.
Registration register_in_auth(Database& auth, const RegistrationSchema& schema,
                              const PreparedSignUp& sign_up, IfExists if_exists,
                              const IrregularEmails& irregular);

// Whether the sign-up must bring a password: no user has its address, so
// it creates one. An existing user is skipped, refused or updated without.
bool needs_password(Database& auth, const SignUp& sign_up, const IrregularEmails& irregular);

} // namespace mana
