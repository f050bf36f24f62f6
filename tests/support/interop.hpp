// Better Auth's own code, installed from the npm registry for the
// interoperability tests: each pinned package in a directory of its own
// under the build tree, once per build directory.
#pragma once

#include "process.hpp"

#include <string>
#include <vector>

namespace mana::test {

// The pinned releases the tests run.
constexpr const char* better_auth_utils = "@better-auth/utils@0.5.1";
// Its email sign-in requires the credential account's issuer.
constexpr const char* better_auth_with_issuer = "better-auth@1.7.0";
// The newest 1.7.x: issuers are opt-in again.
constexpr const char* better_auth_newest = "better-auth@1.7.25";

// A directory holding the packages and tests/interop's scripts, installed
// with npm on first use (concurrent tests wait for one install).
std::string npm_dir(const std::vector<std::string>& packages);

// `node DIR/SCRIPT ARGS` with input on stdin.
Result node(const std::string& dir, const std::string& script, std::vector<std::string> args,
            const std::string& input, const EnvChanges& env = {});

} // namespace mana::test
