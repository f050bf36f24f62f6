// Assertions shared by the integration tests.
#pragma once

#include "process.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace mana::test {

// The whole of a file, byte for byte ("" when it cannot be read).
inline std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A --metrics-file of the test's own: its path for the command line, what
// the last run wrote there, and one series' line; removed however the test
// ends.
class MetricsFile {
  public:
    explicit MetricsFile(const std::string& name) : path_(temp_path(name)) {}
    ~MetricsFile() { remove(); }
    MetricsFile(const MetricsFile&) = delete;
    MetricsFile& operator=(const MetricsFile&) = delete;

    const std::string& path() const { return path_; }
    std::string text() const { return read_text(path_); }
    // The line of one series (its name and labels), "" when it is absent.
    std::string line(const std::string& series) const {
        const auto text = "\n" + read_text(path_);
        const auto at = text.find("\n" + series + " ");
        return at == std::string::npos ? "" : text.substr(at + 1, text.find('\n', at + 1) - at - 1);
    }
    // So that a run that writes nothing cannot pass on an earlier run's file.
    void remove() const { std::remove(path_.c_str()); }

  private:
    std::string path_;
};

// Waits for every process and checks that each exited 0.
inline void check_all_exit_zero(const std::vector<std::unique_ptr<Process>>& processes) {
    for (const auto& p : processes) {
        const auto result = p->wait();
        INFO(result.err);
        CHECK(result.exit_code == 0);
    }
}

inline int line_count(const std::string& text) {
    int lines = 0;
    for (char c : text)
        lines += c == '\n';
    return lines + (!text.empty() && text.back() != '\n');
}

// The lines of a log that are not info lines (progress, summaries): its
// warnings and errors, and the final error line.
inline int lines_above_info(const std::string& text) {
    int lines = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const auto line = text.substr(start, end - start);
        const auto space = line.find(' ');
        lines += space == std::string::npos || line.compare(space, 7, " info: ") != 0;
        start = end + 1;
    }
    return lines;
}

// The command failed with the exit code and exactly one line on stderr,
// mentioning what. The command runs once.
#define CHECK_ONE_LINE_ERROR(command, code, what)                                                  \
    do {                                                                                           \
        const ::mana::test::Result& failed_ = (command);                                           \
        INFO("stdout: " << failed_.out << "\nstderr: " << failed_.err);                            \
        CHECK(failed_.exit_code == (code));                                                        \
        CHECK(::mana::test::line_count(failed_.err) == 1);                                         \
        CHECK_THAT(failed_.err, Catch::Contains(what));                                            \
    } while (false)

// Polls until the condition holds; false after the deadline. Tests wait on
// conditions, never for a time: the deadline only ends a real failure, so it
// is generous (the CI machine runs tests in parallel on 2 cores). Polls are
// 25 ms apart: some conditions count a table, and the poll must not become
// the load.
template <class Condition>
bool eventually(Condition&& condition) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!condition()) {
        if (std::chrono::steady_clock::now() > give_up) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return true;
}

inline nlohmann::json json_out(const Result& result) {
    INFO("stdout: " << result.out << "\nstderr: " << result.err);
    return nlohmann::json::parse(result.out);
}

} // namespace mana::test
