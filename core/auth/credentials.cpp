#include "auth/credentials.hpp"

#include "auth/password.hpp"
#include "pg/session.hpp"

namespace mana {

UnusableCredentials unusable_credentials(Database& auth, int sample_size) {
    return auth.run([&](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        // The shape is_password_hash() accepts, as the server tests it: one
        // scan of the credentials, no row leaves the server but the few
        // named. 161 characters, the only ':' the 33rd, the rest lower-case
        // hex: the pattern ^[0-9a-f]{32}:[0-9a-f]{128}$ says the same, at
        // 11 times the cost (1M credentials: 11.7 s against 1.0 s).
        const auto rows = tx.exec_params(
            "SELECT a.user_id, count(*) OVER () FROM auth.accounts a "
            "JOIN auth.users u ON u.id = a.user_id AND u.deleted_at IS NULL "
            "WHERE a.provider_id = 'credential' "
            "AND (a.password IS NULL OR length(a.password) <> 161 "
            "     OR strpos(a.password, ':') <> 33 OR strpos(substr(a.password, 34), ':') <> 0 "
            "     OR a.password ~ '[^0-9a-f:]') "
            "ORDER BY a.user_id COLLATE \"C\" LIMIT $1",
            sample_size);
        UnusableCredentials found;
        for (const auto& row : rows) {
            found.count = row[1].as<long long>();
            found.sample.push_back(row[0].as<std::string>());
        }
        return found;
    });
}

PasswordCheck check_password(Database& auth, const std::string& email,
                             const std::string& password) {
    const auto user = resolve_live_user(auth, UserKey::email, email, "it cannot sign in");
    // The earliest, should there be more than one.
    const auto stored = auth.run([&](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        return tx.exec_params("SELECT coalesce(password, '') FROM auth.accounts "
                              "WHERE user_id = $1 AND provider_id = 'credential' "
                              "ORDER BY created_at LIMIT 1",
                              user.id);
    });
    if (stored.empty())
        throw not_found("user with email " + email +
                        " has no password credential: it signs in another way");
    const auto hash = stored[0][0].as<std::string>();
    if (!is_password_hash(hash)) return {user, PasswordVerdict::unusable_hash};
    return {user, verify_password(password, hash) ? PasswordVerdict::matches
                                                  : PasswordVerdict::does_not_match};
}

} // namespace mana
