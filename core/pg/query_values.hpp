// Values a query takes from outside its text (SQL is never built from
// values). Bound as parameters ($1, $2, …), which the planner sees as it
// plans: a kind's table_name estimated as a constant picks the index that
// reads its rows alone. Or, where a statement binds none (COPY), as
// settings of the transaction, each read once per query; the planner then
// plans for any value.
#pragma once

#include "pg/session.hpp"

#include <string>
#include <vector>

namespace mana {

class QueryValues {
  public:
    virtual ~QueryValues() = default;
    // What stands for value in the query's text.
    virtual std::string add(const std::string& value) = 0;
};

// $n, the values bound as the statement runs.
class BoundValues final : public QueryValues {
  public:
    std::string add(const std::string& value) override;
    pqxx::result exec(pqxx::transaction_base& tx, const std::string& query) const;

  private:
    std::vector<std::string> values_;
};

// (SELECT current_setting('mana.value_n')), set in the transaction first.
class SettingValues final : public QueryValues {
  public:
    std::string add(const std::string& value) override;
    void set(pqxx::transaction_base& tx) const;

  private:
    std::vector<std::string> values_;
};

} // namespace mana
