// The tool's exceptions: a one-line message for the operator and the exit
// code that goes with it. Thrown anywhere in core, caught in cli/main.cpp.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>

namespace mana {

// Exit codes, SPEC §4.
enum class Exit : int {
    ok = 0,
    failure = 1,
    usage = 2,
    partial = 3,
    not_found = 4,
    already_exists = 5,
    locked = 6,
    max_writes = 7,        // refused by --max-writes, nothing written
    password_mismatch = 8, // verify-password: no match
    drift = 10,
    interrupted = 130, // SIGINT
    terminated = 143,  // SIGTERM
};

// What every error of the tool carries: one line and its exit code. Error
// and Fatal are siblings (ccache's layout), so a site that catches the one
// can never swallow the other; the few that mean both catch this and say
// why.
class ErrorBase : public std::runtime_error {
  public:
    ErrorBase(Exit code, const std::string& message)
        : std::runtime_error(message), code_(code) {}
    Exit code() const { return code_; }

  private:
    Exit code_;
};

// An error of one item or one step: the caller may report it and go on.
class Error : public ErrorBase {
  public:
    using ErrorBase::ErrorBase;
};

// An error after which the rest of a run or batch would fail the same way
// (its connection is gone): loops over many items stop on it instead of
// charging it to every item that follows.
class Fatal : public ErrorBase {
  public:
    using ErrorBase::ErrorBase;
};

// Why one item of many failed while the others went on: the one shape of
// every per-item failure (a user or Space of a reconcile or bootstrap, a
// row of register --from).
struct ItemFailure {
    std::string item;  // its id, or the row's email
    std::string error; // one line
};

// Runs one item's work: its Error becomes the item's failure and the
// others go on; a Fatal one is not caught and ends them all.
template <class Work>
std::optional<ItemFailure> attempt(const std::string& item, Work&& work) {
    try {
        work();
        return std::nullopt;
    } catch (const Error& e) {
        return ItemFailure{item, e.what()};
    }
}

// Shorthand for the common kinds.
inline Error failure(const std::string& message) {
    return Error(Exit::failure, message);
}
inline Error usage_error(const std::string& message) {
    return Error(Exit::usage, message);
}
inline Error not_found(const std::string& message) {
    return Error(Exit::not_found, message);
}

} // namespace mana
