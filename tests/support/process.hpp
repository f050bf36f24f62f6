// Runs the mana-auth binary (or any program) as a child process, feeding
// stdin and capturing stdout and stderr, so tests see exactly what an
// operator would.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace mana::test {

struct Result {
    int exit_code = -1; // 128 + signal when killed
    std::string out;
    std::string err;
};

// Environment changes for a child: a value sets, nullopt unsets.
using EnvChanges = std::map<std::string, std::optional<std::string>>;
// In a forked child, before it becomes the program.
void apply_env(const EnvChanges& env);

class Process {
  public:
    Process(const std::vector<std::string>& argv, const EnvChanges& env = {},
            const std::string& input = "");
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;
    ~Process();

    pid_t pid() const { return pid_; }
    void kill(int signal_number);
    Result wait(); // drains stdout/stderr and reaps

  private:
    pid_t pid_ = -1;
    int out_fd_ = -1;
    int err_fd_ = -1;
    bool waited_ = false;
};

Result run(const std::vector<std::string>& argv, const EnvChanges& env = {},
           const std::string& input = "");

// A path in the temporary directory, its name made unique to this test
// process.
std::string temp_path(const std::string& name);

// A file for a program to read, at temp_path(name); returns its path.
std::string write_file(const std::string& name, const std::string& content);

// A file of a test's own at temp_path(name), with a mode, removed however
// the test ends.
class TempFile {
  public:
    TempFile(const std::string& name, const std::string& content, mode_t mode = 0600);
    ~TempFile();
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

// mana-auth with args.
Result cli(const std::vector<std::string>& args, const EnvChanges& env = {},
           const std::string& input = "");
std::vector<std::string> cli_argv(const std::vector<std::string>& args);

} // namespace mana::test
