// How far each piece of a long run is: done of total, the percentage, the
// rate and the time left, as a progress line shows them. Values only: the
// command line draws them on a terminal or logs them.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace mana {

struct ProgressState {
    std::string name; // what is progressing, e.g. a singleton kind
    std::string step; // e.g. "loading", "checking", "writing"
    long long done = 0;
    long long total = 0; // 0: not known
    // Since the step's first report; none in its first second.
    std::optional<double> rate;
    std::optional<int> percent;
    std::optional<double> seconds_left;
};

class ProgressMeter {
  public:
    using Clock = std::chrono::steady_clock;

    // Records a report; a new step starts its rate afresh. Returns the
    // name's state.
    const ProgressState& report(const std::string& name, const std::string& step, long long done,
                                long long total, Clock::time_point now = Clock::now());
    // Every name reported, in the order each was first.
    const std::vector<ProgressState>& states() const { return states_; }
    // Whether name's progress is due to be told again, interval after its
    // first report or after it was last told; each name on its own, so
    // that one kind's reports never hide another's.
    bool due(const std::string& name, Clock::duration interval,
             Clock::time_point now = Clock::now());

  private:
    struct Tracked {
        // Where the step began: its time and count.
        Clock::time_point step_started;
        long long step_first_done = 0;
        Clock::time_point told;
    };
    std::vector<ProgressState> states_;
    std::vector<Tracked> tracked_; // states_'s, index for index
};

// "userContext: writing 61000/400000 15%, 12000/s, 28 s left"; the parts
// not known are left out.
std::string progress_text(const ProgressState& state);

} // namespace mana
