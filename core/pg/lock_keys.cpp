#include "pg/lock_keys.hpp"

namespace mana {

std::uint32_t stable_hash(std::string_view id) {
    std::uint32_t hash = 2166136261u;
    for (unsigned char c : id) {
        hash ^= c;
        hash *= 16777619u;
    }
    return hash;
}

int lock_bucket(std::string_view id) {
    return static_cast<int>(stable_hash(id) % lock_bucket_count);
}

} // namespace mana
