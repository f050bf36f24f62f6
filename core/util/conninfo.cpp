#include "util/conninfo.hpp"

#include <cctype>

namespace mana {
namespace {

struct Span {
    std::size_t begin = std::string::npos;
    std::size_t end = std::string::npos;
    bool found() const { return begin != std::string::npos && end > begin; }
};

bool is_url(const std::string& s) {
    return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 &&
            hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

// The keywords whose values libpq keeps secret (those it documents with
// the debug flag "*"), in any case: libpq refuses "Password=", but the
// operator who wrote it meant a secret all the same.
bool is_secret_keyword(std::string keyword) {
    for (auto& c : keyword)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return keyword == "password" || keyword == "sslpassword";
}

// The password spans in a URL: the userinfo's (after the first ':' up to the
// last '@' before any query, more than libpq would take, never less) and
// every query parameter of a secret keyword, however its name is
// percent-encoded (libpq decodes it).
std::vector<Span> url_password_spans(const std::string& url) {
    std::vector<Span> spans;
    const auto authority = url.find("://") + 3;
    const auto query = url.find('?', authority);
    const auto at = url.rfind('@', query == std::string::npos ? url.size() : query);
    if (at != std::string::npos && at > authority) {
        const auto colon = url.find(':', authority);
        if (colon != std::string::npos && colon < at) spans.push_back({colon + 1, at});
    }
    for (auto pos = query; pos != std::string::npos; pos = url.find('&', pos + 1)) {
        const auto end = std::min(url.find('&', pos + 1), url.size());
        const auto equals = url.find('=', pos + 1);
        if (equals >= end) continue;
        if (is_secret_keyword(percent_decode(url.substr(pos + 1, equals - pos - 1))))
            spans.push_back({equals + 1, end});
    }
    return spans;
}

bool is_space(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

// The values of secret keywords in a key=value string, read as libpq reads
// it: keyword, '=', then a value quoted with '...' or bare, either with
// backslash escapes.
std::vector<Span> keyword_password_spans(const std::string& s) {
    std::vector<Span> spans;
    std::size_t i = 0;
    const auto skip_spaces = [&] {
        while (i < s.size() && is_space(s[i]))
            ++i;
    };
    while (skip_spaces(), i < s.size()) {
        const auto keyword_begin = i;
        while (i < s.size() && s[i] != '=' && !is_space(s[i]))
            ++i;
        const auto keyword = s.substr(keyword_begin, i - keyword_begin);
        skip_spaces();
        if (i >= s.size() || s[i] != '=') continue; // not key=value: nothing to mask here
        ++i;
        skip_spaces();
        const bool quoted = i < s.size() && s[i] == '\'';
        Span span{i + quoted, i + quoted};
        for (i = span.begin; i < s.size() && (quoted ? s[i] != '\'' : !is_space(s[i]));)
            i += s[i] == '\\' ? 2 : 1;
        span.end = std::min(i, s.size());
        if (quoted && i < s.size()) ++i;
        if (is_secret_keyword(keyword)) spans.push_back(span);
    }
    return spans;
}

std::vector<Span> password_spans(const std::string& conninfo) {
    return is_url(conninfo) ? url_password_spans(conninfo) : keyword_password_spans(conninfo);
}

} // namespace

const char* db_label(DbRole role) {
    return role == DbRole::auth ? "auth database" : "sync database";
}

std::vector<std::string> conninfo_passwords(const std::string& conninfo) {
    std::vector<std::string> passwords;
    for (const auto& span : password_spans(conninfo)) {
        if (!span.found()) continue;
        const auto raw = conninfo.substr(span.begin, span.end - span.begin);
        passwords.push_back(raw);
        if (is_url(conninfo) && percent_decode(raw) != raw)
            passwords.push_back(percent_decode(raw));
    }
    return passwords;
}

std::string mask_conninfo(const std::string& conninfo) {
    auto masked = conninfo;
    auto spans = password_spans(conninfo);
    // Replace from the back so earlier offsets stay valid.
    for (auto it = spans.rbegin(); it != spans.rend(); ++it) {
        if (it->found()) masked.replace(it->begin, it->end - it->begin, "****");
    }
    return masked;
}

std::string blank_conninfo_passwords(const std::string& conninfo) {
    auto blanked = conninfo;
    for (const auto& span : password_spans(conninfo)) {
        if (span.found())
            blanked.replace(span.begin, span.end - span.begin, span.end - span.begin, '*');
    }
    return blanked;
}

} // namespace mana
