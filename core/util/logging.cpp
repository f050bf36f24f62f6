#include "util/logging.hpp"

#include "util/secrets.hpp"
#include "util/time.hpp"

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace mana {
namespace {

std::string format_line(LogFormat format, const std::string& level, const std::string& message,
                        std::chrono::system_clock::time_point time) {
    const auto text = scrub(message);
    const auto when = js_iso_timestamp(time);
    if (format == LogFormat::text) return when + " " + level + ": " + text;
    return nlohmann::json{{"time", when}, {"level", level}, {"message", text}}.dump(
        -1, ' ', false, nlohmann::json::error_handler_t::replace);
}

class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    explicit StderrSink(LogFormat format) : format_(format) {}

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const auto level = spdlog::level::to_string_view(msg.level);
        auto line = format_line(format_, std::string(level.data(), level.size()),
                                std::string(msg.payload.data(), msg.payload.size()), msg.time);
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stderr);
    }
    void flush_() override { std::fflush(stderr); }

  private:
    LogFormat format_;
};

} // namespace

std::string log_line(LogFormat format, const std::string& level, const std::string& message) {
    return format_line(format, level, message, std::chrono::system_clock::now());
}

void configure_logging(const std::string& level, LogFormat format) {
    auto logger =
        std::make_shared<spdlog::logger>("mana-auth", std::make_shared<StderrSink>(format));
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

} // namespace mana
