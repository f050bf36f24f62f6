#include "util/atomic_file.hpp"
#include "util/error.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace mana;
namespace fs = std::filesystem;

namespace {

struct ScratchDir {
    fs::path dir = fs::temp_directory_path() / ("atomic-file-test-" + std::to_string(getpid()));
    ScratchDir() { fs::create_directories(dir); }
    ~ScratchDir() { fs::remove_all(dir); }
    // The names in it, sorted.
    std::vector<std::string> names() const {
        std::vector<std::string> found;
        for (const auto& entry : fs::directory_iterator(dir))
            found.push_back(entry.path().filename().string());
        std::sort(found.begin(), found.end());
        return found;
    }
};

std::string contents_of(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

mode_t mode_of(const fs::path& path) {
    struct stat status {};
    REQUIRE(stat(path.c_str(), &status) == 0);
    return status.st_mode & 07777;
}

} // namespace

TEST_CASE("an atomic file appears whole at its path on commit, with its mode, never before") {
    ScratchDir scratch;
    const auto path = (scratch.dir / "out.jsonl").string();
    std::ofstream(path) << "the earlier file\n";
    const auto old_umask = umask(0);
    {
        AtomicFile file(path, 0600);
        file.write("line 1\n");
        file.write("line 2\n");
        CHECK(contents_of(path) == "the earlier file\n"); // not yet
        file.commit();
    }
    umask(old_umask);
    CHECK(contents_of(path) == "line 1\nline 2\n");
    CHECK(mode_of(path) == 0600);
    CHECK(scratch.names() == std::vector<std::string>{"out.jsonl"}); // no temporary left
}

TEST_CASE("an atomic file not committed leaves the path as it was and nothing beside it") {
    ScratchDir scratch;
    const auto path = (scratch.dir / "out.prom").string();
    {
        AtomicFile file(path, 0644);
        file.write("half of it");
    }
    CHECK_FALSE(fs::exists(path));
    CHECK(scratch.names().empty());
    // A run killed before its rename left its temporary: the next one with
    // the same pid takes it over.
    std::ofstream(path + ".tmp." + std::to_string(getpid())) << "left by a killed run";
    write_file_atomically(path, "whole\n");
    CHECK(contents_of(path) == "whole\n");
    CHECK(scratch.names() == std::vector<std::string>{"out.prom"});
}

TEST_CASE("an atomic file refuses a directory and a place it cannot create, with the reason") {
    ScratchDir scratch;
    try {
        check_file_writable(scratch.dir.string());
        FAIL("a directory was taken for a file");
    } catch (const Error& e) {
        CHECK(e.code() == Exit::failure);
        CHECK_THAT(e.what(), Catch::Contains("is a directory"));
    }
    try {
        check_file_writable((scratch.dir / "missing" / "out.prom").string());
        FAIL("a file was made in a directory that is not there");
    } catch (const Error& e) {
        CHECK_THAT(e.what(), Catch::Contains("cannot create") &&
                                 Catch::Contains("No such file or directory"));
    }
    check_file_writable((scratch.dir / "out.prom").string());
    CHECK(scratch.names().empty());
}
