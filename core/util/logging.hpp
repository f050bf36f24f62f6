// Logs go to stderr, as text or as one JSON object per line, with every
// registered secret scrubbed.
#pragma once

#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <string>

namespace mana {

enum class LogFormat { text, json };

// How lines are written. On the journal's stream (systemd handed stderr to
// journald) each line starts with its sd-daemon priority, "<3>" for an
// error, so that `journalctl -p err` finds it, and carries no time of its
// own: the journal's is exact.
struct LogStyle {
    LogFormat format = LogFormat::text;
    bool journal = false;
};

// Whether fd is the stream that JOURNAL_STREAM's value ("DEVICE:INODE", as
// systemd sets it for a service's stdout and stderr) names; a child that
// inherited the variable but not the stream is not on the journal.
bool is_journal_stream(int fd, const char* journal_stream);

// level: trace, debug, info, warn, error, critical or off.
void configure_logging(const std::string& level, LogStyle style);

// One line of the log as the style writes it (no line end, secrets
// scrubbed): also the tool's final error line, whatever the log level. In
// the JSON format, fields stand beside the message, for a log shipper to
// read; the text format has the message alone, which says them for people.
std::string log_line(LogStyle style, const std::string& level, const std::string& message,
                     const nlohmann::json& fields);

// Called before every line of the log goes to stderr (none: an empty
// function), e.g. to take a progress block off the terminal so that the
// line does not land on it. Called under a lock of its own: it must not log.
void set_before_log_line(std::function<void()> hook);

// An info line with fields, when the level lets it through.
void log_info_fields(const std::string& message, const nlohmann::json& fields);

// On the journal's stream only, an info line whatever the level, --quiet's
// included: every run of a unit leaves its summary. Elsewhere nothing: cron
// mails whatever a quiet job prints.
void journal_summary(const std::string& message, const nlohmann::json& fields);

} // namespace mana
