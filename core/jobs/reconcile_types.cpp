#include "jobs/reconcile_types.hpp"

namespace mana {

long long WriteBound::limit(long long items) const {
    return basis_points < 0 ? count : items * basis_points / 10000;
}

const KindResult* kind_named(const ReconcileResult& result, const std::string& name) {
    for (const auto& kind : result.kinds)
        if (kind.name == name) return &kind;
    return nullptr;
}

ScopeCounts scope_counts(const ReconcileResult& result, Scope scope) {
    for (const auto& kind : result.kinds)
        if (kind.scope == scope) return {kind.counts.scanned, kind.counts.pending};
    return {};
}

long long total_missing(const ReconcileResult& result) {
    long long missing = 0;
    for (const auto& kind : result.kinds)
        missing += kind.counts.missing.value_or(0);
    return missing;
}

long long total_failed(const ReconcileResult& result) {
    long long failed = 0;
    for (const auto& kind : result.kinds)
        failed += kind.counts.failed;
    return failed;
}

} // namespace mana
