#include "signals.hpp"

#include "util/interrupt.hpp"

#include <csignal>
#include <iostream>
#include <termios.h>
#include <unistd.h>

namespace mana::cli {
namespace {
extern "C" void on_stop_signal(int signal_number) {
    request_stop(signal_number);
}

// The terminal as it was before a prompt turned echo off: a signal during
// the prompt puts it back before the process dies of that signal.
termios terminal_before_prompt{};

extern "C" void restore_terminal_and_die(int signal_number) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &terminal_before_prompt);
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
}

} // namespace

void install_stop_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

Exit exit_after_stop(Exit fallback) {
    switch (stop_signal()) {
    case SIGINT:
        return Exit::interrupted;
    case SIGTERM:
        return Exit::terminated;
    default:
        return fallback;
    }
}

// Echo goes off before the prompt shows: whatever is typed once the prompt
// is visible stays hidden and is not flushed away.
std::string prompt_hidden(const std::string& prompt) {
    tcgetattr(STDIN_FILENO, &terminal_before_prompt);
    struct sigaction restore {
    }, previous_int{}, previous_term{};
    restore.sa_handler = restore_terminal_and_die;
    sigemptyset(&restore.sa_mask);
    sigaction(SIGINT, &restore, &previous_int);
    sigaction(SIGTERM, &restore, &previous_term);
    termios silent = terminal_before_prompt;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    std::cerr << prompt << std::flush;
    std::string line;
    std::getline(std::cin, line);
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &terminal_before_prompt);
    sigaction(SIGINT, &previous_int, nullptr);
    sigaction(SIGTERM, &previous_term, nullptr);
    std::cerr << std::endl;
    return line;
}

} // namespace mana::cli
