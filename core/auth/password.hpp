// Better Auth's default password hashing (SPEC §3.5): scrypt N=16384, r=16,
// p=1, 64-byte key over the NFKC-normalised password, salted with the
// bytes of a 32-character hex string; stored "<salt hex>:<key hex>".
#pragma once

#include <string>

namespace mana {

// Throws a usage Error unless the password is valid UTF-8 of 8 to 128
// UTF-16 code units (JavaScript's length).
void check_password_policy(const std::string& password);

// A fresh Better Auth hash of the password. Thread-safe; ~32 MiB and tens of
// milliseconds per call.
std::string hash_password(const std::string& password);

// Whether the stored Better Auth hash matches the password.
bool verify_password(const std::string& password, const std::string& stored_hash);

// Whether s has the shape of a Better Auth hash: 32 hex, ':', 128 hex (lowercase).
bool is_password_hash(const std::string& s);

// The hash with an explicit salt string, for known-answer tests.
std::string hash_password_with_salt(const std::string& password, const std::string& salt_hex);

// NFKC normalisation, as JavaScript's String.prototype.normalize("NFKC").
std::string nfkc(const std::string& utf8);

} // namespace mana
