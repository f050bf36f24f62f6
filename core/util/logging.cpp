#include "util/logging.hpp"

#include "util/secrets.hpp"
#include "util/time.hpp"

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

namespace mana {
namespace {

// As --log-level names them ("warn", where spdlog writes "warning").
std::string level_name(spdlog::level::level_enum level) {
    if (level == spdlog::level::warn) return "warn";
    const auto name = spdlog::level::to_string_view(level);
    return {name.data(), name.size()};
}

// sd-daemon(3)'s prefixes, syslog's priorities.
const char* journal_priority(const std::string& level) {
    if (level == "critical") return "<2>";
    if (level == "error") return "<3>";
    if (level == "warn") return "<4>";
    if (level == "info") return "<6>";
    return "<7>"; // debug, trace
}

std::string format_line(LogStyle style, const std::string& level, const std::string& message,
                        std::chrono::system_clock::time_point time, const nlohmann::json& fields) {
    const auto text = scrub(message);
    const std::string priority = style.journal ? journal_priority(level) : "";
    if (style.format == LogFormat::text) {
        return priority + (style.journal ? "" : js_iso_timestamp(time) + " ") + level + ": " + text;
    }
    nlohmann::json line = fields;
    line["level"] = level;
    line["message"] = text;
    if (!style.journal) line["time"] = js_iso_timestamp(time);
    return priority + line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

struct BeforeLogLine {
    std::mutex mutex;
    std::function<void()> hook;
};

BeforeLogLine& before_log_line() {
    static BeforeLogLine before;
    return before;
}

// A line of the log, the sink's or one beside it: one write, flushed.
void write_line(std::string line) {
    line += '\n';
    auto& before = before_log_line();
    std::lock_guard<std::mutex> lock(before.mutex);
    if (before.hook) before.hook();
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    explicit StderrSink(LogStyle style) : style_(style) {}

    LogStyle style() const { return style_; }

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        write_line(format_line(style_, level_name(msg.level),
                               std::string(msg.payload.data(), msg.payload.size()), msg.time,
                               nlohmann::json::object()));
    }
    void flush_() override { std::fflush(stderr); }

  private:
    LogStyle style_;
};

std::shared_ptr<StderrSink>& configured_sink() {
    static std::shared_ptr<StderrSink> sink = std::make_shared<StderrSink>(LogStyle{});
    return sink;
}

} // namespace

bool is_journal_stream(int fd, const char* journal_stream) {
    if (!journal_stream) return false;
    unsigned long long device = 0, inode = 0;
    char end = 0;
    if (std::sscanf(journal_stream, "%llu:%llu%c", &device, &inode, &end) != 2) return false;
    struct stat st {};
    return fstat(fd, &st) == 0 && static_cast<unsigned long long>(st.st_dev) == device &&
           static_cast<unsigned long long>(st.st_ino) == inode;
}

std::string log_line(LogStyle style, const std::string& level, const std::string& message,
                     const nlohmann::json& fields) {
    return format_line(style, level, message, std::chrono::system_clock::now(), fields);
}

void configure_logging(const std::string& level, LogStyle style) {
    configured_sink() = std::make_shared<StderrSink>(style);
    auto logger = std::make_shared<spdlog::logger>("mana-auth", configured_sink());
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

void set_before_log_line(std::function<void()> hook) {
    auto& before = before_log_line();
    std::lock_guard<std::mutex> lock(before.mutex);
    before.hook = std::move(hook);
}

void log_info_fields(const std::string& message, const nlohmann::json& fields) {
    if (!spdlog::default_logger()->should_log(spdlog::level::info)) return;
    write_line(log_line(configured_sink()->style(), "info", message, fields));
}

void journal_summary(const std::string& message, const nlohmann::json& fields) {
    const auto style = configured_sink()->style();
    if (!style.journal) return;
    write_line(log_line(style, "info", message, fields));
}

} // namespace mana
