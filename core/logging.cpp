#include "logging.hpp"

#include "secrets.hpp"
#include "singletons.hpp"

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

namespace mana {
namespace {

class StderrSink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    explicit StderrSink(LogFormat format) : format_(format) {}

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const auto text = scrub(std::string(msg.payload.data(), msg.payload.size()));
        const auto time = js_iso_timestamp(msg.time);
        const auto level = spdlog::level::to_string_view(msg.level);
        std::string line;
        if (format_ == LogFormat::json) {
            line = nlohmann::json{
                {"time", time},
                {"level", std::string(level.data(), level.size())},
                {"message",
                 text}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        } else {
            line = time + " " + std::string(level.data(), level.size()) + ": " + text;
        }
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stderr);
    }
    void flush_() override { std::fflush(stderr); }

  private:
    LogFormat format_;
};

} // namespace

void configure_logging(const std::string& level, LogFormat format) {
    auto logger =
        std::make_shared<spdlog::logger>("mana-auth", std::make_shared<StderrSink>(format));
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

} // namespace mana
