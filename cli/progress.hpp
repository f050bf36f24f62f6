// Progress on stderr. On a terminal, one line per kind with done/total,
// percentage, rate and time left, the whole block redrawn in place in one
// write at most ten times a second, taken off before each log line and
// drawn again at the next report; off a terminal, a log line per kind
// every 10 s, its numbers as fields in the JSON log format. Reports may
// come from several threads.
#pragma once

#include "util/progress.hpp"

#include <chrono>
#include <mutex>
#include <string>

namespace mana::cli {

class ProgressDisplay {
  public:
    explicit ProgressDisplay(bool terminal);
    ProgressDisplay(const ProgressDisplay&) = delete;
    ProgressDisplay& operator=(const ProgressDisplay&) = delete;
    ~ProgressDisplay();

    void report(const std::string& name, const char* step, long long done, long long total);
    // Takes the block off the terminal before what follows is printed.
    void clear();

  private:
    void draw(ProgressMeter::Clock::time_point now);
    void log(const ProgressState& state);

    bool terminal_;
    std::mutex mutex_;
    ProgressMeter meter_;
    int lines_drawn_ = 0;
    ProgressMeter::Clock::time_point drawn_at_{};
};

} // namespace mana::cli
