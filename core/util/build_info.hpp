// What build of the tool this is, for --version and the metrics.
#pragma once

namespace mana {

// The git commit the tool was built from ("3f2a9c1d04e5", "-dirty" after
// it when the tree had changes), read at every build; "unknown" when the
// source was no git checkout.
const char* build_commit();

} // namespace mana
