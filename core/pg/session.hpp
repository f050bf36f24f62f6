// What code that speaks SQL includes: libpqxx, the bodies of Database::run
// and Database::transact, and the helpers of a statement. Kept out of
// pg/db.hpp so that cli/ and the library's API know nothing of libpqxx
// (tests/layers/check holds cli/ to it).
#pragma once

#include "pg/db.hpp"

#include <pqxx/pqxx>
#include <string>
#include <type_traits>
#include <vector>

namespace mana {

struct Database::Connection {
    explicit Connection(const std::string& conninfo) : connection(conninfo) {}
    pqxx::connection connection;
};

template <class F>
auto Database::run(F&& f) {
    try {
        return f(conn_->connection);
    } catch (...) {
        rethrow_as_error();
    }
}

template <class F>
auto Database::transact(F&& f) {
    return run([&](pqxx::connection& c) {
        pqxx::work tx{c};
        if constexpr (std::is_void_v<decltype(f(tx))>) {
            f(tx);
            tx.commit();
        } else {
            auto result = f(tx);
            tx.commit();
            return result;
        }
    });
}

// Scopes a sync transaction as the sync service does: row-level security
// then shows and accepts the rows of user_id, and shows those of the Spaces
// in space_ids (comma-separated). Transaction-local.
void scope_to_user(pqxx::transaction_base& tx, const std::string& user_id,
                   const std::string& space_ids = "");

// A text[] literal for one query parameter (libpqxx 6 has no array binding).
std::string pg_text_array(const std::vector<std::string>& items);

} // namespace mana
