#include "util/ids.hpp"

#include "util/error.hpp"

#include <openssl/rand.h>
#include <vector>

namespace mana {
namespace {

void fill_random(unsigned char* out, std::size_t n) {
    if (RAND_bytes(out, static_cast<int>(n)) != 1) {
        throw failure("the system's random number generator failed (OpenSSL RAND_bytes)");
    }
}

} // namespace

std::string random_string(std::size_t n, std::string_view alphabet) {
    // Rejection sampling: bytes at or above the largest multiple of the
    // alphabet size would favour the first letters, so they are drawn again.
    const unsigned size = static_cast<unsigned>(alphabet.size());
    const unsigned limit = 256 - 256 % size;
    std::string out;
    out.reserve(n);
    unsigned char buffer[64];
    while (out.size() < n) {
        fill_random(buffer, sizeof buffer);
        for (unsigned char byte : buffer) {
            if (byte >= limit) continue;
            out += alphabet[byte % size];
            if (out.size() == n) break;
        }
    }
    return out;
}

std::string better_auth_id() {
    return random_string(32, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
}

std::string nanoid() {
    return random_string(21, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
}

std::string to_hex(const unsigned char* bytes, std::size_t n) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[bytes[i] >> 4];
        out += digits[bytes[i] & 0x0F];
    }
    return out;
}

std::string random_hex(std::size_t n_bytes) {
    std::vector<unsigned char> bytes(n_bytes);
    fill_random(bytes.data(), bytes.size());
    return to_hex(bytes.data(), bytes.size());
}

std::string uuid_v4() {
    unsigned char b[16];
    fill_random(b, sizeof b);
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40); // version 4
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80); // RFC 4122 variant
    const auto hex = to_hex(b, sizeof b);
    return hex.substr(0, 8) + '-' + hex.substr(8, 4) + '-' + hex.substr(12, 4) + '-' +
           hex.substr(16, 4) + '-' + hex.substr(20);
}

} // namespace mana
