#include "bench_support.hpp"

#include "util/subprocess.hpp"

#include <fcntl.h>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mana::bench {

Timed run_timed(const std::vector<std::string>& argv, const std::string& input_file) {
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        const int null = open("/dev/null", O_RDWR);
        const int in = input_file.empty() ? null : open(input_file.c_str(), O_RDONLY);
        dup2(in, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        exec_program(argv);
    }
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    return {exit_code_of(status), seconds_since(start), usage.ru_maxrss};
}

} // namespace mana::bench
