#include "progress.hpp"

#include "util/logging.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sys/ioctl.h>
#include <unistd.h>

namespace mana::cli {
namespace {

constexpr auto redraw_interval = std::chrono::milliseconds(100);
constexpr auto log_interval = std::chrono::seconds(10);

// The terminal's width, so that no line wraps and the block's height holds.
std::size_t columns() {
    winsize size{};
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 1) return size.ws_col - 1;
    return 79;
}

void write_out(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

} // namespace

ProgressDisplay::ProgressDisplay(bool terminal) : terminal_(terminal) {
    if (terminal_) set_before_log_line([this] { clear(); });
}

ProgressDisplay::~ProgressDisplay() {
    if (terminal_) set_before_log_line({});
    clear();
}

void ProgressDisplay::report(const std::string& name, const char* step, long long done,
                             long long total) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = ProgressMeter::Clock::now();
    const auto known = meter_.states().size();
    const auto& state = meter_.report(name, step, done, total, now);
    if (!terminal_) {
        if (meter_.due(name, log_interval, now)) log(state);
        return;
    }
    // A new kind's line at once, and the block taken off for a line of
    // text; otherwise at most ten frames a second.
    if (meter_.states().size() != known || lines_drawn_ == 0 || now - drawn_at_ >= redraw_interval)
        draw(now);
}

// Every line cleared to its end and the cursor back at the block's top, in
// one write: the terminal never shows a half-drawn block.
void ProgressDisplay::draw(ProgressMeter::Clock::time_point now) {
    const auto width = columns();
    std::string frame;
    for (const auto& state : meter_.states())
        frame += "\r\033[K" + progress_text(state).substr(0, width) + "\n";
    lines_drawn_ = static_cast<int>(meter_.states().size());
    frame += "\033[" + std::to_string(lines_drawn_) + "A";
    write_out(frame);
    drawn_at_ = now;
}

void ProgressDisplay::log(const ProgressState& state) {
    nlohmann::json fields = {
        {"kind", state.name},
        {"phase", state.step},
        {"done", state.done},
        {"total", state.total > 0 ? nlohmann::json(state.total) : nullptr},
        {"rate", state.rate ? nlohmann::json(*state.rate) : nullptr},
        {"secondsLeft", state.seconds_left ? nlohmann::json(*state.seconds_left) : nullptr}};
    log_info_fields(progress_text(state), fields);
}

void ProgressDisplay::clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (lines_drawn_ == 0) return;
    write_out("\r\033[J");
    lines_drawn_ = 0;
}

} // namespace mana::cli
