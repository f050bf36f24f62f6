#include "terminal.hpp"

#include "util/subprocess.hpp"

#include <chrono>
#include <csignal>
#include <poll.h>
#include <pty.h>
#include <stdexcept>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace mana::test {
namespace {

// Generous: it only ends a real failure (tests run in parallel on 2 cores).
constexpr auto deadline = std::chrono::seconds(60);

} // namespace

Terminal::Terminal(const std::vector<std::string>& argv, const EnvChanges& env) {
    pid_ = forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ < 0) throw std::runtime_error("forkpty failed");
    if (pid_ == 0) {
        apply_env(env);
        exec_program(argv);
    }
}

Terminal::~Terminal() {
    if (!waited_) {
        ::kill(pid_, SIGKILL);
        wait();
    }
    close(master_);
}

// False when the program has closed the terminal (it exited).
bool Terminal::read_some(int timeout_ms) {
    pollfd fd{master_, POLLIN, 0};
    if (poll(&fd, 1, timeout_ms) <= 0) return true;
    char buffer[4096];
    const auto n = read(master_, buffer, sizeof buffer);
    if (n <= 0) return false; // EIO once the program's side is closed
    screen_.append(buffer, static_cast<std::size_t>(n));
    return true;
}

bool Terminal::await(const std::string& text) {
    const auto give_up = std::chrono::steady_clock::now() + deadline;
    while (screen_.find(text) == std::string::npos) {
        if (std::chrono::steady_clock::now() > give_up || !read_some(25)) {
            return screen_.find(text) != std::string::npos;
        }
    }
    return true;
}

void Terminal::type(const std::string& keys) {
    if (write(master_, keys.data(), keys.size()) != static_cast<ssize_t>(keys.size()))
        throw std::runtime_error("cannot type on the terminal");
}

int Terminal::wait() {
    const auto give_up = std::chrono::steady_clock::now() + deadline;
    while (read_some(25)) {
        if (std::chrono::steady_clock::now() > give_up) ::kill(pid_, SIGKILL); // a hang
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    return exit_code_of(status);
}

bool Terminal::echoes() const {
    termios settings{};
    if (tcgetattr(master_, &settings) != 0) throw std::runtime_error("tcgetattr failed");
    return (settings.c_lflag & ECHO) != 0;
}

} // namespace mana::test
