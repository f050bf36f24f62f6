// A program on a pseudo-terminal, for what only a terminal shows: colour,
// prompts, echo and the keys that send signals.
#pragma once

#include "process.hpp"

#include <string>
#include <sys/types.h>
#include <vector>

namespace mana::test {

class Terminal {
  public:
    Terminal(const std::vector<std::string>& argv, const EnvChanges& env = {});
    Terminal(const Terminal&) = delete;
    Terminal& operator=(const Terminal&) = delete;
    ~Terminal();

    // Reads the screen until text has appeared; false after the deadline.
    bool await(const std::string& text);
    // Keys as typed (Ctrl-C is "\x03").
    void type(const std::string& keys);
    // Reads the rest and reaps: the exit code, or 128 + the signal.
    int wait();
    // Whether the terminal echoes what is typed, as it is now.
    bool echoes() const;
    const std::string& screen() const { return screen_; }

  private:
    bool read_some(int timeout_ms);

    pid_t pid_ = -1;
    int master_ = -1;
    bool waited_ = false;
    std::string screen_;
};

} // namespace mana::test
