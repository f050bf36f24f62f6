// A real PgBouncer (Debian's package) in front of the test server, in one
// pool mode, listening on a Unix socket in a directory of its own (so tests
// in parallel never share a port), and stopped when destroyed.
#pragma once

#include "process.hpp"

#include <memory>
#include <string>

namespace mana::test {

class PgBouncer {
  public:
    // pool_mode: "session", "transaction" or "statement".
    PgBouncer(const std::string& pool_mode, int pool_size = 3);
    ~PgBouncer();
    PgBouncer(const PgBouncer&) = delete;
    PgBouncer& operator=(const PgBouncer&) = delete;

    // A connection string to database dbname through the pooler, as the
    // server's superuser (PGUSER).
    std::string conninfo(const std::string& dbname) const;

  private:
    std::string dir_;
    std::unique_ptr<Process> process_;
};

} // namespace mana::test
