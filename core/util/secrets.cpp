#include "util/secrets.hpp"

#include "util/conninfo.hpp"

#include <map>
#include <mutex>
#include <utility>
#include <vector>

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
// Each secret with what stands in its place.
std::map<std::string, std::string, LongerFirst>& registry() {
    static std::map<std::string, std::string, LongerFirst> secrets;
    return secrets;
}

void register_replacement(const std::string& secret, const std::string& replacement) {
    std::lock_guard<std::mutex> lock(registry_mutex);
    registry().emplace(secret, replacement);
}

// A connection string's passwords, and the string itself shown masked (so
// that even a password too short to register alone never shows).
void register_conninfo(const std::string& conninfo) {
    const auto passwords = conninfo_passwords(conninfo);
    if (passwords.empty()) return;
    for (const auto& password : passwords)
        register_secret(password);
    register_replacement(conninfo, mask_conninfo(conninfo));
}

// The connection strings in text and where each starts: its URLs, or, with
// none, text itself as key=value pairs.
std::vector<std::pair<std::size_t, std::string>> connection_strings_in(const std::string& text) {
    std::vector<std::pair<std::size_t, std::string>> found;
    for (const char* scheme : {"postgresql://", "postgres://"}) {
        for (auto at = text.find(scheme); at != std::string::npos; at = text.find(scheme, at + 1)) {
            const auto end = text.find_first_of(" \t\n'\"", at);
            found.emplace_back(at, text.substr(at, end == std::string::npos ? end : end - at));
        }
    }
    if (found.empty()) found.emplace_back(0, text);
    return found;
}

} // namespace

void register_secret(const std::string& secret) {
    // A secret of one to three characters would mask every occurrence of
    // them in all output; such a password protects nothing anyway.
    if (secret.size() < min_secret_length) return;
    register_replacement(secret, "****");
}

void register_connection_secrets(const std::string& text) {
    for (const auto& [at, conninfo] : connection_strings_in(text))
        register_conninfo(conninfo);
}

bool register_variable_secrets(const std::string& name, const std::string& value) {
    const bool password = name == "PGPASSWORD" || name == "MANA_AUTH_PASSWORD";
    if (password) register_secret(value);
    register_connection_secrets(value);
    return password || !conninfo_passwords(value).empty();
}

bool blank_connection_passwords(char* arg) {
    const std::string text = arg;
    bool blanked = false;
    for (const auto& [at, conninfo] : connection_strings_in(text)) {
        const auto without = blank_conninfo_passwords(conninfo);
        if (without == conninfo) continue;
        without.copy(arg + at, without.size());
        blanked = true;
    }
    return blanked;
}

std::string scrub(std::string text) {
    std::lock_guard<std::mutex> lock(registry_mutex);
    for (const auto& [secret, replacement] : registry()) {
        for (auto pos = text.find(secret); pos != std::string::npos;
             pos = text.find(secret, pos + replacement.size())) {
            text.replace(pos, secret.size(), replacement);
        }
    }
    return text;
}

} // namespace mana
