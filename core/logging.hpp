// Logs go to stderr, as text or as one JSON object per line, with every
// registered secret scrubbed.
#pragma once

#include <string>

namespace mana {

enum class LogFormat { text, json };

// level: trace, debug, info, warn, error, critical or off.
void configure_logging(const std::string& level, LogFormat format);

} // namespace mana
