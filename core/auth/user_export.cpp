#include "auth/user_export.hpp"

#include "auth/identity.hpp"
#include "auth/registration.hpp"
#include "pg/session.hpp"
#include "util/interrupt.hpp"

#include <nlohmann/json.hpp>

namespace mana {
namespace {

// Users a page: a page's rows are held at once, whatever the total.
constexpr int page_size = 5000;

// The next page after the id $1, in id order (the primary key's). An empty
// filter value selects every value. The credential is the earliest, as
// verify-password takes it: NULL when there is none, '' for a NULL hash.
constexpr const char* page_sql =
    "SELECT u.id, u.email, u.name, u.access_tier::text, u.role::text, u.kind::text, "
    "u.email_verified, CASE WHEN $7 THEN (SELECT coalesce(a.password, '') FROM auth.accounts a "
    "  WHERE a.user_id = u.id AND a.provider_id = 'credential' ORDER BY a.created_at LIMIT 1) END "
    "FROM auth.users u WHERE u.deleted_at IS NULL AND u.id > $1 "
    "AND ($2 = '' OR u.access_tier::text = $2) AND ($3 = '' OR u.role::text = $3) "
    "AND ($4 = '' OR u.kind::text = $4) "
    "AND ($5 = '' OR right(lower(btrim(u.email)), length($5) + 1) = '@' || lower($5)) "
    "ORDER BY u.id LIMIT $6";

// A CSV field as split_csv reads it back: quoted when it holds a comma or a
// quote, its quotes doubled.
std::string csv_field(const std::string& value) {
    if (value.find_first_of(",\"") == std::string::npos) return value;
    std::string quoted = "\"";
    for (const char c : value)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

// The sign-up a row is, as register --from would read it, its address in
// sign-up's form; an Error (why register would refuse it) when it is not one.
SignUp sign_up_of(const pqxx::row& row, bool with_password_hash) {
    SignUp s;
    s.email = normalize_email(row[1].as<std::string>());
    if (!row[2].is_null()) s.name = row[2].as<std::string>();
    s.tier = row[3].as<std::string>();
    s.role = row[4].as<std::string>();
    s.kind = row[5].as<std::string>();
    s.verified = row[6].as<bool>();
    if (with_password_hash) {
        if (row[7].is_null()) throw not_found("it has no password credential");
        s.password_hash = row[7].as<std::string>();
    }
    check_sign_up(s);
    return s;
}

// The user as a line of the format, its fields named as register --from
// names them.
std::string line_of(const SignUp& s, InputFormat format) {
    if (format == InputFormat::jsonl) {
        nlohmann::json doc = {{"email", s.email},
                              {"tier", *s.tier},
                              {"role", *s.role},
                              {"kind", *s.kind},
                              {"verified", *s.verified}};
        if (s.name) doc["name"] = *s.name;
        if (s.password_hash) doc["password_hash"] = *s.password_hash;
        return doc.dump() + "\n";
    }
    std::vector<std::string> fields = {s.email, s.name.value_or(""),           *s.tier, *s.role,
                                       *s.kind, *s.verified ? "true" : "false"};
    if (s.password_hash) fields.push_back(*s.password_hash);
    std::string line;
    for (const auto& field : fields)
        line += (line.empty() ? "" : ",") + csv_field(field);
    return line + "\n";
}

std::string csv_header(bool with_password_hash) {
    return std::string("email,name,tier,role,kind,verified") +
           (with_password_hash ? ",password_hash" : "") + "\n";
}

} // namespace

ExportSummary export_users(Database& auth, const ExportOptions& options,
                           const ExportCallbacks& callbacks) {
    const auto& f = options.filter;
    if (options.format == InputFormat::csv)
        callbacks.on_text(csv_header(options.with_password_hashes));
    ExportSummary summary;
    auth.run([&](pqxx::connection& c) {
        // One snapshot for every page: a user changed while they are read
        // is exported as it stood when the first was.
        pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx{c};
        std::string after;
        while (!stop_requested()) {
            const auto page = tx.exec_params(
                page_sql, after, f.tier.value_or(""), f.role.value_or(""), f.kind.value_or(""),
                f.email_domain.value_or(""), page_size, options.with_password_hashes);
            for (const auto& row : page) {
                std::string line;
                if (auto failed = attempt(row[0].as<std::string>(), [&] {
                        line =
                            line_of(sign_up_of(row, options.with_password_hashes), options.format);
                    })) {
                    ++summary.failed;
                    failed->error = row[1].as<std::string>() + ": " + failed->error;
                    callbacks.on_failure(*failed);
                    continue;
                }
                callbacks.on_text(line);
                ++summary.exported;
            }
            if (page.size() < static_cast<std::size_t>(page_size)) break;
            after = page.back()[0].as<std::string>();
        }
    });
    summary.interrupted = stop_requested();
    return summary;
}

} // namespace mana
