#include "util/progress.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace mana {

const ProgressState& ProgressMeter::report(const std::string& name, const std::string& step,
                                           long long done, long long total, Clock::time_point now) {
    auto found = std::find_if(states_.begin(), states_.end(),
                              [&](const ProgressState& s) { return s.name == name; });
    if (found == states_.end()) {
        states_.push_back({name, "", 0, 0, {}, {}, {}});
        tracked_.push_back({now, done, now});
        found = states_.end() - 1;
    }
    auto& tracked = tracked_[static_cast<std::size_t>(found - states_.begin())];
    auto& state = *found;
    if (state.step != step) {
        tracked.step_started = now;
        tracked.step_first_done = done;
    }
    state.step = step;
    state.done = done;
    state.total = total;
    state.percent.reset();
    state.rate.reset();
    state.seconds_left.reset();
    if (total > 0) state.percent = static_cast<int>(std::min(done, total) * 100 / total);
    const double seconds = std::chrono::duration<double>(now - tracked.step_started).count();
    if (seconds >= 1) {
        state.rate = static_cast<double>(done - tracked.step_first_done) / seconds;
        if (total > 0 && *state.rate > 0)
            state.seconds_left = static_cast<double>(std::max(total - done, 0LL)) / *state.rate;
    }
    return state;
}

bool ProgressMeter::due(const std::string& name, Clock::duration interval, Clock::time_point now) {
    for (std::size_t i = 0; i < states_.size(); ++i) {
        if (states_[i].name != name) continue;
        if (now - tracked_[i].told < interval) return false;
        tracked_[i].told = now;
        return true;
    }
    return false;
}

std::string progress_text(const ProgressState& state) {
    auto text = state.name + ": " + state.step + " " + std::to_string(state.done);
    if (state.total > 0) text += "/" + std::to_string(state.total);
    if (state.percent) text += fmt::format(" {}%", *state.percent);
    if (state.rate) text += fmt::format(", {:.0f}/s", *state.rate);
    if (state.seconds_left) text += fmt::format(", {:.0f} s left", std::ceil(*state.seconds_left));
    return text;
}

} // namespace mana
