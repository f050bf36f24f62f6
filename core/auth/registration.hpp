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

// check_sign_up, and the sign-up as it would be stored but for a password,
// which is not hashed (a dry run): password_hash is only the one given.
PreparedSignUp checked_sign_up(const SignUp& sign_up);

// checked_sign_up, then the scrypt hash (the costly part; thread-safe).
PreparedSignUp prepare_sign_up(const SignUp& sign_up);

// One field an update changed; a password change shows no values.
struct FieldChange {
    std::string field;
    std::string before;
    std::string after;
};

// A user's fields that a sign-up sets, as the database spells them.
struct UserFields {
    std::string name;
    std::string tier;
    std::string role;
    std::string kind;
    std::string verified; // "true" or "false"
};

// The fields of the user a sign-up creates: those given, else the defaults.
UserFields new_user_fields(const PreparedSignUp& sign_up);

// What an update to the sign-up changes: each field given that differs from
// the stored one, in field order, then the password when one is set.
std::vector<FieldChange> field_changes(const UserFields& stored, const PreparedSignUp& sign_up,
                                       bool sets_password);

// The fields after those changes.
UserFields with_changes(UserFields fields, const std::vector<FieldChange>& changes);

// The refusal of a sign-up that would create a user without a password.
Error new_user_without_password(const std::string& email);

// Who an address already belongs to, as a refusal names it ("user ID").
struct AddressHolder {
    std::string named;
    bool soft_deleted;
};

enum class IfExists { error, skip, update };
enum class RegisterAction { created, updated, skipped };

// What a sign-up does to the user its address belongs to: skip or update,
// or an Error (already_exists) where if_exists or a soft delete refuses it.
RegisterAction action_for_existing(const std::string& email, const AddressHolder& holder,
                                   IfExists if_exists);

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

// check_auth_for_registration but for its check that the database takes
// writes: what a dry run checks, as it writes nothing (a standby will do).
void check_auth_for_dry_run(Database& auth);

// A stored user as registration finds it by its address.
struct StoredUser {
    std::string id;
    bool soft_deleted;
    UserFields fields;
    std::optional<std::string> personal_space_id; // the one it owns, if any
};

// The user register_in_auth would find for the (normalised) email, read
// only: none, or an Error naming both when two stored users fold to it.
std::optional<StoredUser> find_registered(Database& auth, const std::string& email,
                                          const IrregularEmails& irregular);

// Whether the sign-up must bring a password: no user has its address, so
// it creates one. An existing user is skipped, refused or updated without.
bool needs_password(Database& auth, const SignUp& sign_up, const IrregularEmails& irregular);

} // namespace mana
