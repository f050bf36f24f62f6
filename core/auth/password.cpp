#include "auth/password.hpp"

#include "util/error.hpp"
#include "util/ids.hpp"
#include "util/text.hpp"

#include <cstdlib>
#include <memory>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <utf8proc.h>

namespace mana {
namespace {

constexpr std::uint64_t scrypt_n = 16384;
constexpr std::uint64_t scrypt_r = 16;
constexpr std::uint64_t scrypt_p = 1;
constexpr std::size_t key_bytes = 64;
constexpr std::size_t salt_bytes = 16;
// scrypt needs 128 * N * r bytes (32 MiB); leave room for its bookkeeping.
constexpr std::uint64_t scrypt_max_memory = 64ull * 1024 * 1024;

bool is_lower_hex(const std::string& s) {
    return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string scrypt_key_hex(const std::string& password, const std::string& salt) {
    const auto normalised = nfkc(password);
    unsigned char key[key_bytes];
    if (EVP_PBE_scrypt(normalised.data(), normalised.size(),
                       reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), scrypt_n,
                       scrypt_r, scrypt_p, scrypt_max_memory, key, key_bytes) != 1) {
        throw failure("scrypt failed (OpenSSL EVP_PBE_scrypt)");
    }
    return to_hex(key, key_bytes);
}

} // namespace

std::string nfkc(const std::string& utf8) {
    utf8proc_uint8_t* out = nullptr;
    const auto length = utf8proc_map(
        reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
        static_cast<utf8proc_ssize_t>(utf8.size()), &out,
        static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT));
    if (length < 0) throw usage_error("the password is not valid UTF-8");
    std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(out, &std::free);
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(length));
}

void check_password_policy(const std::string& password) {
    if (!is_valid_utf8(password)) throw usage_error("the password is not valid UTF-8");
    const auto length = utf16_length(password);
    if (length < 8 || length > 128) {
        throw usage_error("the password must be 8 to 128 characters long (it has " +
                          std::to_string(length) + ")");
    }
}

std::string hash_password_with_salt(const std::string& password, const std::string& salt_hex) {
    return salt_hex + ":" + scrypt_key_hex(password, salt_hex);
}

std::string hash_password(const std::string& password) {
    return hash_password_with_salt(password, random_hex(salt_bytes));
}

bool is_password_hash(const std::string& s) {
    return s.size() == 32 + 1 + 128 && s[32] == ':' && is_lower_hex(s.substr(0, 32)) &&
           is_lower_hex(s.substr(33));
}

bool verify_password(const std::string& password, const std::string& stored_hash) {
    if (!is_password_hash(stored_hash)) return false;
    const auto expected = stored_hash.substr(33);
    const auto actual = scrypt_key_hex(password, stored_hash.substr(0, 32));
    return CRYPTO_memcmp(expected.data(), actual.data(), expected.size()) == 0;
}

} // namespace mana
