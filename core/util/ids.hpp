// Random identifiers, unbiased, from OpenSSL's CSPRNG (SPEC §3.4).
#pragma once

#include <string>
#include <string_view>

namespace mana {

// n characters drawn uniformly from alphabet (at most 256 characters).
std::string random_string(std::size_t n, std::string_view alphabet);

// Better Auth's user and account ids: 32 characters of a-zA-Z0-9.
std::string better_auth_id();

// nanoid-style Space and member ids: 21 characters of A-Za-z0-9_-.
std::string nanoid();

// A random UUID v4 in lowercase text.
std::string uuid_v4();

// n random bytes as lowercase hex.
std::string random_hex(std::size_t n_bytes);

std::string to_hex(const unsigned char* bytes, std::size_t n);

} // namespace mana
