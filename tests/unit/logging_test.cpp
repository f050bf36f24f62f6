#include "util/logging.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <sys/stat.h>

using namespace mana;

TEST_CASE("a line for the journal starts with its priority and has no time of its own") {
    const LogStyle journal_text{LogFormat::text, true};
    CHECK(log_line(journal_text, "error", "it broke", {{"exitCode", 1}}) == "<3>error: it broke");
    CHECK(log_line(journal_text, "warn", "w", {}) == "<4>warn: w");
    CHECK(log_line(journal_text, "info", "i", {}) == "<6>info: i");
    CHECK(log_line(journal_text, "debug", "d", {}) == "<7>debug: d");
    // In the JSON format the fields stand beside the message.
    CHECK(log_line({LogFormat::json, true}, "critical", "c", {{"exitCode", 1}}) ==
          R"(<2>{"exitCode":1,"level":"critical","message":"c"})");
    // Off the journal: the time first, no priority.
    CHECK_THAT(log_line({LogFormat::text, false}, "info", "i", {}),
               Catch::Matches(R"(\d{4}-\d\d-\d\dT[0-9:.]+Z info: i)"));
}

TEST_CASE(
    "JOURNAL_STREAM names the stream by device and inode, and no other stream is the journal's") {
    std::FILE* file = std::tmpfile();
    REQUIRE(file);
    const int fd = fileno(file);
    struct stat st {};
    REQUIRE(fstat(fd, &st) == 0);
    const auto device = std::to_string(st.st_dev);
    const auto inode = std::to_string(st.st_ino);
    CHECK(is_journal_stream(fd, (device + ":" + inode).c_str()));
    CHECK_FALSE(is_journal_stream(fd, (device + ":" + std::to_string(st.st_ino + 1)).c_str()));
    CHECK_FALSE(is_journal_stream(fd, (device + ":" + inode + "x").c_str()));
    CHECK_FALSE(is_journal_stream(fd, ""));
    CHECK_FALSE(is_journal_stream(fd, nullptr));
    std::fclose(file);
}
