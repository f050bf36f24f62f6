#include "auth/identity.hpp"

#include "util/error.hpp"
#include "util/ids.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace mana {
namespace {

constexpr std::size_t max_email_length = 254;
constexpr std::size_t max_slug_length = 30;
constexpr const char* lower_letters = "abcdefghijklmnopqrstuvwxyz";

bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// zod: ^(?!\.)(?!.*\.\.)([A-Z0-9_'+\-\.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9\-]*\.)+[A-Z]{2,}$ (i)
bool valid_local(std::string_view local) {
    if (local.empty() || local.front() == '.') return false;
    const auto allowed = [](char c) {
        return is_alnum(c) || std::string_view("_'+-.").find(c) != std::string_view::npos;
    };
    if (!std::all_of(local.begin(), local.end(), allowed)) return false;
    return local.back() != '.' && local.back() != '\'';
}

bool valid_domain(std::string_view domain) {
    const auto last_dot = domain.rfind('.');
    if (last_dot == std::string_view::npos) return false;
    const auto tld = domain.substr(last_dot + 1);
    if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), [](char c) {
            return std::isalpha(static_cast<unsigned char>(c)) != 0;
        })) {
        return false;
    }
    // Every label before the TLD: starts alphanumeric, then alphanumerics and '-'.
    std::size_t start = 0;
    while (start < last_dot) {
        const auto dot = domain.find('.', start);
        const auto label = domain.substr(start, dot - start);
        if (label.empty() || !is_alnum(label.front()) ||
            !std::all_of(label.begin(), label.end(),
                         [](char c) { return is_alnum(c) || c == '-'; })) {
            return false;
        }
        start = dot + 1;
    }
    return true;
}

void check_label(const std::string& what, const std::string& value,
                 const std::vector<std::string>& labels) {
    if (std::find(labels.begin(), labels.end(), value) != labels.end()) return;
    throw usage_error("unknown " + what + " '" + printable(value) +
                      "' (expected one of: " + join(labels) + ")");
}

} // namespace

std::string normalize_email(std::string_view raw) {
    auto email = ascii_lower(trim(raw));
    if (email.empty()) throw usage_error("the email is empty");
    if (email.size() > max_email_length) {
        throw usage_error("the email is longer than " + std::to_string(max_email_length) +
                          " characters");
    }
    const auto at = email.find('@');
    if (at == std::string::npos || email.find('@', at + 1) != std::string::npos ||
        email.find("..") != std::string::npos ||
        !valid_local(std::string_view(email).substr(0, at)) ||
        !valid_domain(std::string_view(email).substr(at + 1))) {
        throw usage_error("'" + printable(email) + "' is not a valid email address");
    }
    return email;
}

std::string email_local_part(std::string_view raw) {
    const auto email = trim(raw);
    return email.substr(0, email.find('@'));
}

void check_name(const std::string& name) {
    if (name.size() > 255) throw usage_error("the name is longer than 255 bytes");
    if (!is_valid_utf8(name)) throw usage_error("the name is not valid UTF-8");
    if (std::any_of(name.begin(), name.end(),
                    [](char c) { return std::iscntrl(static_cast<unsigned char>(c)) != 0; })) {
        throw usage_error("the name contains control characters");
    }
}

const std::vector<std::string> tiers = {"guest", "public", "beta", "alpha", "founder"};
const std::vector<std::string> roles = {"user", "admin", "service"};
const std::vector<std::string> user_kinds = {"human", "persona", "system"};

void check_tier(const std::string& tier) {
    check_label("tier", tier, tiers);
}
void check_role(const std::string& role) {
    check_label("role", role, roles);
}
void check_kind(const std::string& kind) {
    check_label("kind", kind, user_kinds);
}

std::string slug_base(std::string_view local_part) {
    std::string slug;
    for (char c : ascii_lower(local_part)) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        const char next = keep ? c : '-';
        if (next == '-' && !slug.empty() && slug.back() == '-') continue;
        slug += next;
    }
    const auto first = slug.find_first_not_of('-');
    if (first == std::string::npos) return "";
    slug = slug.substr(first, slug.find_last_not_of('-') - first + 1);
    // The SPEC's order: the cut comes last (and may leave a trailing '-').
    slug.resize(std::min(slug.size(), max_slug_length));
    return slug;
}

bool is_reserved_slug(std::string_view slug) {
    static const std::array<std::string_view, 17> reserved = {
        "me",       "admin", "api", "auth", "login",   "logout", "signup",  "signin", "register",
        "settings", "new",   "app", "www",  "support", "help",   "billing", "invite"};
    return std::find(reserved.begin(), reserved.end(), slug) != reserved.end();
}

std::string choose_slug(const std::string& base, const std::set<std::string>& taken) {
    if (base.empty()) return "user-" + random_string(6, lower_letters);
    const auto free = [&](const std::string& s) { return !is_reserved_slug(s) && !taken.count(s); };
    if (free(base)) return base;
    for (int n = 2; n <= 999; ++n) {
        auto candidate = base + "-" + std::to_string(n);
        if (free(candidate)) return candidate;
    }
    return base + "-" + random_string(6, lower_letters);
}

} // namespace mana
