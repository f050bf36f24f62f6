// Signals: SIGINT and SIGTERM ask long-running work to stop between steps,
// and a hidden password prompt gives the terminal its echo back before the
// process dies of one.
#pragma once

#include "util/error.hpp"

#include <string>

namespace mana::cli {

// From here on, SIGINT/SIGTERM ask long-running work to stop between steps.
void install_stop_handlers();
// 130 or 143 after SIGINT or SIGTERM, else fallback.
Exit exit_after_stop(Exit fallback);

// One line read from the terminal with echo off, after prompt (on stderr).
std::string prompt_hidden(const std::string& prompt);

} // namespace mana::cli
