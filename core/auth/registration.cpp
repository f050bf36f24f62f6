#include "auth/registration.hpp"

#include "auth/directory.hpp"
#include "auth/identity.hpp"
#include "auth/password.hpp"
#include "pg/privileges.hpp"
#include "pg/session.hpp"
#include "util/error.hpp"
#include "util/ids.hpp"
#include "util/option_names.hpp"
#include "util/text.hpp"

#include <nlohmann/json.hpp>
#include <set>
#include <vector>

namespace mana {
namespace {

// Two registrations raced for the same email or slug: run the transaction again.
struct UniqueConflict {};

constexpr int attempts = 3;

const std::string event_metadata =
    nlohmann::json{{"source", "mana-auth"}, {"version", MANA_AUTH_VERSION}}.dump();
const std::string user_agent = "mana-auth/" MANA_AUTH_VERSION;

// The defaults of a new user (SPEC §3.6).
constexpr const char* default_tier = "public";
constexpr const char* default_role = "user";
constexpr const char* default_kind = "human";

// What Better Auth writes in accounts.issuer of a credential row
// (createLocalAccountIssuer("credential")), where the column exists.
constexpr const char* credential_issuer = "'local:credential'";

// The fields a sign-up sets, in the order their changes are reported.
struct UserFieldColumn {
    const char* field;  // as the command line calls it
    const char* column; // of auth.users: a fixed name, never input
    std::string UserFields::*value;
};

const std::vector<UserFieldColumn> user_field_columns = {
    {"name", "name", &UserFields::name},
    {"tier", "access_tier", &UserFields::tier},
    {"role", "role", &UserFields::role},
    {"kind", "kind", &UserFields::kind},
    {"verified", "email_verified", &UserFields::verified}};

const UserFieldColumn* field_named(const std::string& field) {
    for (const auto& column : user_field_columns)
        if (field == column.field) return &column;
    return nullptr;
}

// What the sign-up gives of each, in user_field_columns' order.
std::vector<std::optional<std::string>> given_fields(const PreparedSignUp& s) {
    const auto verified =
        s.verified ? std::optional<std::string>(*s.verified ? "true" : "false") : std::nullopt;
    return {s.name, s.tier, s.role, s.kind, verified};
}

std::vector<std::string> ids_in(const pqxx::result& users) {
    std::vector<std::string> ids;
    for (const auto& row : users)
        ids.push_back(row[0].as<std::string>());
    return ids;
}

// A row registration inserts: each column it fills with the SQL of its
// value, for the statement and for the schema guard alike.
struct InsertColumn {
    const char* name;
    const char* value;
    bool where_present = false; // filled only where the table has it
};

struct Insert {
    const char* table;
    std::vector<InsertColumn> columns;

    std::string sql(bool with_optional = false) const {
        std::vector<std::string> names, values;
        for (const auto& column : columns) {
            if (column.where_present && !with_optional) continue;
            names.emplace_back(column.name);
            values.emplace_back(column.value);
        }
        return std::string("INSERT INTO ") + table + " (" + join(names) + ") VALUES (" +
               join(values) + ")";
    }
    TableFill fill() const {
        TableFill fill{table, {}};
        for (const auto& column : columns)
            fill.columns.emplace_back(column.name);
        return fill;
    }
};

const Insert user_insert{"auth.users",
                         {{"id", "$1"},
                          {"name", "$2"},
                          {"email", "$3"},
                          {"email_verified", "$4"},
                          {"role", "$5"},
                          {"access_tier", "$6"},
                          {"kind", "$7"},
                          {"created_at", "now()"},
                          {"updated_at", "now()"}}};
const Insert credential_insert{"auth.accounts",
                               {{"id", "$1"},
                                {"account_id", "$2"},
                                {"provider_id", "'credential'"},
                                {"user_id", "$2"},
                                {"password", "$3"},
                                {"created_at", "now()"},
                                {"updated_at", "now()"},
                                {"issuer", credential_issuer, true}}};
const Insert event_insert{
    "auth.security_events",
    {{"user_id", "$1"}, {"event_type", "$2"}, {"user_agent", "$3"}, {"metadata", "$4::jsonb"}}};
const Insert space_insert{"auth.organizations",
                          {{"id", "$1"},
                           {"name", "$2"},
                           {"slug", "$3"},
                           {"metadata", "$4::jsonb"},
                           {"created_at", "now()"},
                           {"updated_at", "now()"}}};
const Insert owner_insert{"auth.members",
                          {{"id", "$1"},
                           {"organization_id", "$2"},
                           {"user_id", "$3"},
                           {"role", "'owner'"},
                           {"created_at", "now()"}}};

std::string space_name(const std::string& user_name, const std::string& local_part) {
    if (auto name = trim(user_name); !name.empty()) return name;
    if (auto local = trim(local_part); !local.empty()) return local;
    return "Personal";
}

struct PersonalSpace {
    std::string id;
    std::string slug;
    bool created;
};

// What a personal Space is made from: the user as it now stands.
struct SpaceOwner {
    std::string user_id;
    std::string email;
    std::string name;
    std::string local_part;
    std::string tier;
};

// The personal Space the user owns, if any (the earliest).
std::optional<PersonalSpace> owned_personal_space(pqxx::transaction_base& tx,
                                                  const std::string& user_id) {
    const auto owned = tx.exec_params(
        "SELECT o.id, coalesce(o.slug, '') FROM auth.organizations o "
        "JOIN auth.members m ON m.organization_id = o.id "
        "WHERE m.user_id = $1 AND m.role = 'owner' AND o.metadata->>'type' = 'personal' "
        "ORDER BY m.created_at LIMIT 1",
        user_id);
    if (owned.empty()) return std::nullopt;
    return PersonalSpace{owned[0][0].as<std::string>(), owned[0][1].as<std::string>(), false};
}

// The user's personal Space: the one it owns already, or a new one.
PersonalSpace ensure_personal_space(pqxx::work& tx, const SpaceOwner& s) {
    if (const auto owned = owned_personal_space(tx, s.user_id)) return *owned;

    const auto base = slug_base(email_local_part(s.email));
    std::set<std::string> taken;
    if (!base.empty()) {
        std::vector<std::string> candidates{base};
        for (int n = 2; n <= 999; ++n)
            candidates.push_back(base + "-" + std::to_string(n));
        for (const auto& row :
             tx.exec_params("SELECT slug FROM auth.organizations WHERE slug = ANY($1::text[])",
                            pg_text_array(candidates))) {
            taken.insert(row[0].as<std::string>());
        }
    }
    PersonalSpace space{nanoid(), choose_slug(base, taken), true};
    const auto metadata = nlohmann::json{{"type", "personal"}, {"tier", s.tier}}.dump();
    tx.exec_params(space_insert.sql(), space.id, space_name(s.name, s.local_part), space.slug,
                   metadata);
    tx.exec_params(owner_insert.sql(), nanoid(), space.id, s.user_id);
    return space;
}

void record_event(pqxx::work& tx, const std::string& user_id, const char* event_type) {
    tx.exec_params(event_insert.sql(), user_id, std::string(event_type), user_agent,
                   event_metadata);
}

// A credential row whose issuer is unset (written before the column was
// added) gets the platform's too: Better Auth that scopes accounts by issuer
// would not find it.
void set_password(pqxx::work& tx, const RegistrationSchema& schema, const std::string& user_id,
                  const std::string& hash) {
    const std::string issuer =
        schema.accounts_issuer()
            ? std::string(", issuer = coalesce(issuer, ") + credential_issuer + ")"
            : "";
    const auto updated =
        tx.exec_params("UPDATE auth.accounts SET password = $2, updated_at = now()" + issuer +
                           " WHERE user_id = $1 AND provider_id = 'credential'",
                       user_id, hash);
    if (updated.affected_rows() > 0) return;
    tx.exec_params(credential_insert.sql(schema.accounts_issuer()), better_auth_id(), user_id,
                   hash);
}

Registration create_user(pqxx::work& tx, const RegistrationSchema& schema,
                         const PreparedSignUp& s) {
    if (!s.password_hash) throw new_user_without_password(s.email);
    const auto user_id = better_auth_id();
    const auto fields = new_user_fields(s);
    tx.exec_params(user_insert.sql(), user_id, fields.name, s.email, fields.verified, fields.role,
                   fields.tier, fields.kind);
    set_password(tx, schema, user_id, *s.password_hash);
    record_event(tx, user_id, "REGISTER");
    const auto space =
        ensure_personal_space(tx, {user_id, s.email, fields.name, s.local_part, fields.tier});
    return {RegisterAction::created, user_id, s.email, space.id, space.slug, space.created, {}};
}

UserFields stored_fields(pqxx::transaction_base& tx, const std::string& user_id) {
    const auto row = tx.exec_params1("SELECT coalesce(name, ''), access_tier::text, role::text, "
                                     "kind::text, email_verified::text FROM auth.users "
                                     "WHERE id = $1",
                                     user_id);
    return {row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
            row[3].as<std::string>(), row[4].as<std::string>()};
}

// Only the fields the sign-up gives, and only where they differ; each
// change is named, a password's without its values.
Registration update_user(pqxx::work& tx, const RegistrationSchema& schema,
                         const std::string& user_id, const PreparedSignUp& s) {
    const auto stored = stored_fields(tx, user_id);
    const auto changes = field_changes(stored, s, s.password_hash.has_value());
    for (const auto& change : changes) {
        if (const auto* field = field_named(change.field)) {
            // The server reads the value as the column's type (enum, boolean).
            tx.exec_params(std::string("UPDATE auth.users SET ") + field->column +
                               " = $2, updated_at = now() WHERE id = $1",
                           user_id, change.after);
        }
    }
    if (s.password_hash) set_password(tx, schema, user_id, *s.password_hash);
    if (!changes.empty()) record_event(tx, user_id, "USER_UPDATED");
    const auto now = with_changes(stored, changes);
    const auto space =
        ensure_personal_space(tx, {user_id, s.email, now.name, s.local_part, now.tier});
    return {RegisterAction::updated, user_id, s.email, space.id, space.slug,
            space.created,           changes};
}

// The stored users an address belongs to, as the unique index stores it
// and among those stored with another case or surrounding spaces, the
// former first.
pqxx::result holders_of(pqxx::transaction_base& tx, const std::string& email,
                        const IrregularEmails& irregular, const char* lock = "") {
    return tx.exec_params(std::string("SELECT id, deleted_at IS NOT NULL FROM auth.users WHERE "
                                      "email = $1 OR id = ANY($2::text[]) "
                                      "ORDER BY email = $1 DESC, id") +
                              lock,
                          email, pg_text_array(irregular.ids_for(email)));
}

Registration register_once(pqxx::work& tx, const RegistrationSchema& schema,
                           const PreparedSignUp& s, IfExists if_exists,
                           const IrregularEmails& irregular) {
    const auto existing = holders_of(tx, s.email, irregular, " FOR UPDATE");
    if (existing.empty()) return create_user(tx, schema, s);
    if (existing.size() > 1) throw ambiguous_email(s.email, ids_in(existing));
    const auto user_id = existing[0][0].as<std::string>();
    const bool soft_deleted = existing[0][1].as<bool>();
    if (action_for_existing(s.email, {"user " + user_id, soft_deleted}, if_exists) ==
        RegisterAction::updated)
        return update_user(tx, schema, user_id, s);
    Registration skipped{RegisterAction::skipped, user_id, s.email, "", "", false, {},
                         soft_deleted};
    // A live user's personal Space, whose singleton a skip finishes as a
    // sign-up writes it (an earlier run may have stopped before).
    if (!soft_deleted) {
        if (const auto space = owned_personal_space(tx, user_id))
            skipped.space_id = space->id, skipped.space_slug = space->slug;
    }
    return skipped;
}

} // namespace

void check_sign_up(const SignUp& s) {
    normalize_email(s.email);
    if (s.name) check_name(*s.name);
    if (s.tier) check_tier(*s.tier);
    if (s.role) check_role(*s.role);
    if (s.kind) check_kind(*s.kind);
    if (s.password && s.password_hash)
        throw usage_error("give a password or a password hash, not both");
    if (s.password) check_password_policy(*s.password);
    if (s.password_hash && !is_password_hash(*s.password_hash)) {
        throw usage_error("the password hash is not a Better Auth scrypt hash "
                          "(32 hex characters, ':', 128 hex characters)");
    }
}

PreparedSignUp checked_sign_up(const SignUp& s) {
    check_sign_up(s);
    return {normalize_email(s.email),
            s.name && !trim(*s.name).empty() ? s.name : std::nullopt,
            email_local_part(s.email),
            s.password_hash,
            s.tier,
            s.role,
            s.kind,
            s.verified};
}

PreparedSignUp prepare_sign_up(const SignUp& s) {
    auto prepared = checked_sign_up(s);
    if (s.password) prepared.password_hash = hash_password(*s.password);
    return prepared;
}

UserFields new_user_fields(const PreparedSignUp& s) {
    return {s.name.value_or(s.local_part), s.tier.value_or(default_tier),
            s.role.value_or(default_role), s.kind.value_or(default_kind),
            s.verified.value_or(false) ? "true" : "false"};
}

std::vector<FieldChange> field_changes(const UserFields& stored, const PreparedSignUp& s,
                                       bool sets_password) {
    const auto given = given_fields(s);
    std::vector<FieldChange> changes;
    for (std::size_t i = 0; i < user_field_columns.size(); ++i) {
        const auto& now = stored.*user_field_columns[i].value;
        if (given[i] && *given[i] != now)
            changes.push_back({user_field_columns[i].field, now, *given[i]});
    }
    if (sets_password) changes.push_back({"password", "", ""});
    return changes;
}

UserFields with_changes(UserFields fields, const std::vector<FieldChange>& changes) {
    for (const auto& change : changes)
        if (const auto* field = field_named(change.field)) fields.*field->value = change.after;
    return fields;
}

RegisterAction action_for_existing(const std::string& email, const AddressHolder& holder,
                                   IfExists if_exists) {
    if (holder.soft_deleted) {
        if (if_exists == IfExists::skip) return RegisterAction::skipped;
        throw Error(Exit::already_exists,
                    email + " belongs to a soft-deleted user (" + holder.named +
                        "): it is never updated or bootstrapped; restore it in the service first");
    }
    switch (if_exists) {
    case IfExists::error:
        throw Error(Exit::already_exists, email + " is already registered (" + holder.named +
                                              "): pass " + option_name(Option::if_exists) +
                                              " skip or " + option_name(Option::if_exists) +
                                              " update");
    case IfExists::skip:
        return RegisterAction::skipped;
    case IfExists::update:
        return RegisterAction::updated;
    }
    throw failure("unreachable");
}

Registration register_in_auth(Database& auth, const RegistrationSchema& schema,
                              const PreparedSignUp& s, IfExists if_exists,
                              const IrregularEmails& irregular) {
    for (int attempt = 1;; ++attempt) {
        try {
            return auth.transact([&](pqxx::work& tx) {
                try {
                    return register_once(tx, schema, s, if_exists, irregular);
                } catch (const pqxx::unique_violation&) {
                    if (attempt == attempts) throw;
                    throw UniqueConflict{};
                }
            });
        } catch (const UniqueConflict&) {
            // A concurrent registration took the email or the slug: look again.
        }
    }
}

std::vector<TableFill> registration_tables() {
    std::vector<TableFill> tables;
    for (const auto* insert :
         {&user_insert, &credential_insert, &event_insert, &space_insert, &owner_insert})
        tables.push_back(insert->fill());
    return tables;
}

RegistrationSchema check_auth_for_registration(Database& auth) {
    require_writable(auth, "register writes users");
    require_filled(auth, registration_tables(), "register");
    return RegistrationSchema(has_column(auth, "auth.accounts", "issuer"));
}

Error new_user_without_password(const std::string& email) {
    return usage_error(email + ": a new user needs a password");
}

void check_auth_for_dry_run(Database& auth) {
    require_filled(auth, registration_tables(), "register");
}

std::optional<StoredUser> find_registered(Database& auth, const std::string& email,
                                          const IrregularEmails& irregular) {
    return auth.run([&](pqxx::connection& c) -> std::optional<StoredUser> {
        pqxx::read_transaction tx{c};
        const auto holders = holders_of(tx, email, irregular);
        if (holders.empty()) return std::nullopt;
        if (holders.size() > 1) throw ambiguous_email(email, ids_in(holders));
        StoredUser user{holders[0][0].as<std::string>(), holders[0][1].as<bool>(),
                        stored_fields(tx, holders[0][0].as<std::string>()), std::nullopt};
        if (const auto space = owned_personal_space(tx, user.id))
            user.personal_space_id = space->id;
        return user;
    });
}

bool needs_password(Database& auth, const SignUp& sign_up, const IrregularEmails& irregular) {
    return !find_user_by_email(auth, normalize_email(sign_up.email), irregular).has_value();
}

} // namespace mana
