// Logs go to stderr, as text or as one JSON object per line, with every
// registered secret scrubbed.
#pragma once

#include <string>

namespace mana {

enum class LogFormat { text, json };

// level: trace, debug, info, warn, error, critical or off.
void configure_logging(const std::string& level, LogFormat format);

// One line of the log as the format writes it (no line end, secrets
// scrubbed): also the tool's final error line, whatever the log level.
std::string log_line(LogFormat format, const std::string& level, const std::string& message);

} // namespace mana
