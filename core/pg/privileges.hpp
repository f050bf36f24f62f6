// The privileges the commands need beyond connecting, in one place: how to
// ask whether the role holds each, which commands fail without it, and the
// GRANT that gives it. Commands refuse by name before their first read or
// write; doctor asks every one.
#pragma once

#include "pg/db.hpp"

#include <optional>
#include <string>

namespace mana {

struct Privilege {
    const char* what;               // as doctor names it
    const char* query;              // true when the connection's role holds it
    const char* commands;           // which fail without it
    const char* refusal;            // "may not …", as a command refuses
    const char* grant;              // the GRANT that gives it, up to " TO role"
    bool grant_on_database = false; // the grant names the database
};

// One privilege per has_*_privilege call: a list would ask whether *any*
// is held.
extern const Privilege auth_read;
extern const Privilege auth_write;
extern const Privilege sync_read;
extern const Privilege sync_read_and_insert;
extern const Privilege sync_temp;

bool holds(Database& db, const Privilege& privilege);

// A failure naming the role and the GRANT unless it holds privilege.
void require_privilege(Database& db, const Privilege& privilege);

// "GRANT … TO role" for db's role.
std::string grant_for(Database& db, const Privilege& privilege);

// Why db takes no writes whatever the grants ("a hot standby, in
// recovery", "default_transaction_read_only is on"); none when it does.
std::optional<std::string> read_only_reason(Database& db);

// A failure, before anything is written, when db takes no writes.
// what_writes: "register writes users".
void require_writable(Database& db, const std::string& what_writes);

} // namespace mana
