#include "pg/session.hpp"

#include "util/error.hpp"
#include "util/secrets.hpp"
#include "util/text.hpp"

#include <cctype>
#include <spdlog/spdlog.h>

namespace mana {
namespace {

// Server messages start with their severity ("ERROR:  "); the label says enough.
std::string server_message(const std::string& what) {
    auto line = first_line(what);
    for (const char* prefix : {"ERROR:", "FATAL:"}) {
        if (line.rfind(prefix, 0) == 0) line = trim(line.substr(std::string(prefix).size()));
    }
    return line;
}

// Why libpq could not connect: with several hosts (failover strings) one
// reason per host it tried, each on a line of its own, with hints indented
// under it; all of them, on one line.
std::string connect_failures(const std::string& what) {
    std::string reasons;
    std::size_t start = 0;
    while (start < what.size()) {
        auto end = what.find('\n', start);
        if (end == std::string::npos) end = what.size();
        const auto line = what.substr(start, end - start);
        start = end + 1;
        if (line.empty() || std::isspace(static_cast<unsigned char>(line[0]))) continue;
        auto reason = server_message(line);
        if (const auto fatal = reason.find("FATAL:  "); fatal != std::string::npos)
            reason.erase(fatal, 8);
        reasons += (reasons.empty() ? "" : "; ") + reason;
    }
    return reasons;
}

// How the server words a limit it enforced, and the setting behind it.
struct ServerLimit {
    const char* words;
    const char* setting;
};
constexpr ServerLimit server_limits[] = {
    {"statement timeout", "statement_timeout"},
    {"lock timeout", "lock_timeout"},
    {"idle-in-transaction timeout", "idle_in_transaction_session_timeout"},
    {"idle-session timeout", "idle_session_timeout"},
};

// The server's message, with the setting that ended the statement or
// session named, when it was a limit.
std::string naming_the_limit(const std::string& message) {
    for (const auto& limit : server_limits) {
        if (message.find(limit.words) != std::string::npos) {
            return message + " (" + limit.setting +
                   " of this role or database: raise it for the tool's role, ALTER ROLE ... SET " +
                   limit.setting + ")";
        }
    }
    return message;
}

// Why a connection broke. When the server closed it between statements,
// libpqxx 6 loses the server's last word (it fails reading the encoding of
// a closed connection first), so the likely reasons are named instead.
std::string why_lost(const std::string& what) {
    const auto message = server_message(what);
    if (message.find("Could not obtain client encoding") == std::string::npos)
        return naming_the_limit(message);
    return "the server closed it: an administrator, a restart, or a limit such as "
           "idle_in_transaction_session_timeout or idle_session_timeout";
}

} // namespace

Database::Database(DbRole role, const std::string& conninfo, std::string where_to_look)
    : role_(role), conninfo_(conninfo), where_to_look_(std::move(where_to_look)) {
    for (const auto& password : conninfo_passwords(conninfo))
        register_secret(password);
    try {
        conn_ = std::make_unique<Connection>(conninfo);
    } catch (const std::exception& e) {
        throw failure(named() + ": cannot connect: " + connect_failures(e.what()) +
                      (where_to_look_.empty() ? "" : "; " + where_to_look_));
    }
    // libpqxx 6 silently reconnects a broken connection; a session's
    // advisory locks and temporary tables would vanish with it. A lost
    // connection must be an error instead.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    conn_->connection.inhibit_reactivation(true);
#pragma GCC diagnostic pop
    // Through a pooler, the backend key is the pooler's own (see through_pooler).
    const int server_pid = run([](pqxx::connection& c) {
        return pqxx::nontransaction{c}.exec1("SELECT pg_backend_pid()")[0].as<int>();
    });
    through_pooler_ = server_pid != conn_->connection.backendpid();
    spdlog::debug("connected to the {} ({}): backend key {}, server process {}{}", label(),
                  mask_conninfo(conninfo), conn_->connection.backendpid(), server_pid,
                  through_pooler_ ? ", so through a connection pooler" : "");
    if (through_pooler_) require_transactions();
}

Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

// A statement pool (PgBouncer's pool_mode = statement) closes a client's
// connection at its first transaction block: found out here, by name,
// rather than as a lost connection in the middle of a command.
void Database::require_transactions() {
    try {
        server_pid_in_transaction();
    } catch (const ErrorBase& e) { // the closed connection's Fatal among them
        spdlog::debug("{}: the first transaction failed: {}", label(), e.what());
        throw failure(named() +
                      ": reached through a connection pooler that closed the connection at its "
                      "first transaction, as a statement pool does (PgBouncer pool_mode = "
                      "statement): every command needs transactions: connect directly or "
                      "through a session or transaction pool");
    }
}

Fatal Database::lost(const std::string& what) const {
    return Fatal(Exit::failure, std::string(label()) + ": connection lost (" + why_lost(what) +
                                    "); what was committed stays: run the command again");
}

void Database::rethrow_as_error() const {
    const std::string name = label();
    try {
        throw;
    } catch (const ErrorBase&) {
        throw;
    } catch (const pqxx::in_doubt_error&) {
        throw Fatal(Exit::failure, name + ": connection lost while committing (the last batch "
                                          "may or may not have been written); what was "
                                          "committed stays: run the command again");
    } catch (const pqxx::broken_connection& e) {
        // Whatever comes next on this connection fails too.
        throw lost(e.what());
    } catch (const pqxx::failure& e) {
        // Statement errors (sql_error) among them. libpqxx reports a server
        // lost in the middle of a COPY as a failure of the COPY, not as a
        // broken connection.
        if (!conn_->connection.is_open()) throw lost(e.what());
        throw failure(name + ": " + naming_the_limit(server_message(e.what())));
    } catch (const pqxx::pqxx_exception& e) {
        // Also libpqxx's own conversion, usage and range errors, which
        // derive from std:: types rather than pqxx::failure.
        throw failure(name + ": " + server_message(e.base().what()));
    }
}

bool Database::bound_by_rls() {
    // PostgreSQL's own answer: row-level security enabled on the table, and
    // the role neither superuser nor BYPASSRLS nor its owner (unless forced).
    return run([](pqxx::connection& c) {
        pqxx::nontransaction tx{c};
        return tx.exec1("SELECT row_security_active('sync_changes')")[0].as<bool>();
    });
}

std::string Database::shown() const {
    if (!conninfo_.empty()) return mask_conninfo(conninfo_);
    if (!conn_) return "libpq's defaults";
    auto& c = conn_->connection;
    return fmt::format("libpq's defaults: dbname={} host={} port={}", c.dbname(),
                       c.hostname() ? c.hostname() : "", c.port() ? c.port() : "");
}

std::string Database::named() const {
    return std::string(label()) + " (" + shown() + ")";
}

ConnectAttempt try_connect(DbRole role, const std::string& conninfo,
                           const std::string& where_to_look) {
    ConnectAttempt attempt;
    try {
        attempt.db = std::make_unique<Database>(role, conninfo, where_to_look);
    } catch (const Error& e) {
        attempt.error = e.what();
    }
    return attempt;
}

int Database::server_pid_in_transaction() {
    return transact(
        [](pqxx::work& tx) { return tx.exec1("SELECT pg_backend_pid()")[0].as<int>(); });
}

std::string Database::server_version() {
    const int v = conn_->connection.server_version();
    return "PostgreSQL " + std::to_string(v / 10000) + "." + std::to_string(v % 10000);
}

std::string Database::role_name() const {
    return conn_->connection.username();
}

std::string Database::database_name() const {
    return conn_->connection.dbname();
}

void scope_to_user(pqxx::transaction_base& tx, const std::string& user_id,
                   const std::string& space_ids) {
    tx.exec_params("SELECT set_config('app.current_user_id', $1, true), "
                   "set_config('app.current_user_space_ids', $2, true)",
                   user_id, space_ids);
}

std::string pg_text_array(const std::vector<std::string>& items) {
    std::string out = "{";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += ',';
        out += '"';
        for (char c : items[i]) {
            if (c == '"' || c == '\\') out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

} // namespace mana
