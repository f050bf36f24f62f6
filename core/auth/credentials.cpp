#include "auth/credentials.hpp"

#include "pg/session.hpp"

namespace mana {

UnusableCredentials unusable_credentials(Database& auth, int sample_size) {
    return auth.run([&](pqxx::connection& c) {
        pqxx::read_transaction tx{c};
        // The shape is_password_hash() accepts, as a pattern the server
        // applies: one scan of the credentials, no row leaves the server
        // but the few named.
        const auto rows = tx.exec_params(
            "SELECT a.user_id, count(*) OVER () FROM auth.accounts a "
            "JOIN auth.users u ON u.id = a.user_id AND u.deleted_at IS NULL "
            "WHERE a.provider_id = 'credential' "
            "AND (a.password IS NULL OR a.password !~ '^[0-9a-f]{32}:[0-9a-f]{128}$') "
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

} // namespace mana
