#include "secrets.hpp"

#include <mutex>
#include <set>

namespace mana {
namespace {

std::mutex registry_mutex;
constexpr std::size_t min_secret_length = 4;

// Longest first, so that a secret containing another is masked whole.
struct LongerFirst {
    bool operator()(const std::string& a, const std::string& b) const {
        return a.size() != b.size() ? a.size() > b.size() : a < b;
    }
};
std::set<std::string, LongerFirst>& registry() {
    static std::set<std::string, LongerFirst> secrets;
    return secrets;
}

} // namespace

void register_secret(const std::string& secret) {
    // A secret of one to three characters would mask every occurrence of
    // them in all output; such a password protects nothing anyway.
    if (secret.size() < min_secret_length) return;
    std::lock_guard<std::mutex> lock(registry_mutex);
    registry().insert(secret);
}

std::string scrub(std::string text) {
    std::lock_guard<std::mutex> lock(registry_mutex);
    for (const auto& secret : registry()) {
        for (auto pos = text.find(secret); pos != std::string::npos;
             pos = text.find(secret, pos + 4)) {
            text.replace(pos, secret.size(), "****");
        }
    }
    return text;
}

} // namespace mana
