// Running other programs: shared by `dev` and the tests' process helpers.
#pragma once

#include <string>
#include <vector>

namespace mana {

// In a forked child: becomes argv[0] (searched in PATH) with argv, or exits 127.
[[noreturn]] void exec_program(const std::vector<std::string>& argv) noexcept;

// A wait() status as a shell reports it: the exit code, or 128 + the signal.
int exit_code_of(int wait_status);

} // namespace mana
