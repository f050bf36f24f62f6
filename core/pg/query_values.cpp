#include "pg/query_values.hpp"

namespace mana {
namespace {

std::string setting_name(std::size_t number) {
    return "mana.value_" + std::to_string(number);
}

} // namespace

std::string BoundValues::add(const std::string& value) {
    values_.push_back(value);
    return "$" + std::to_string(values_.size());
}

pqxx::result BoundValues::exec(pqxx::transaction_base& tx, const std::string& query) const {
    return tx.exec_params(query, pqxx::prepare::make_dynamic_params(values_));
}

std::string SettingValues::add(const std::string& value) {
    values_.push_back(value);
    return "(SELECT current_setting('" + setting_name(values_.size() - 1) + "'))";
}

void SettingValues::set(pqxx::transaction_base& tx) const {
    for (std::size_t i = 0; i < values_.size(); ++i)
        tx.exec_params("SELECT set_config($1, $2, true)", setting_name(i), values_[i]);
}

} // namespace mana
