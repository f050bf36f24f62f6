#include "jobs/reconcile_types.hpp"

namespace mana {

long long WriteBound::limit(long long items) const {
    return basis_points < 0 ? count : items * basis_points / 10000;
}

std::array<NamedCounts, 2> by_kind(const ReconcileResult& result) {
    return {{{"userContext", result.users}, {"kontextDoc", result.spaces}}};
}

} // namespace mana
