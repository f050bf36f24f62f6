#include "process.hpp"

#include "util/subprocess.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace mana::test {

void apply_env(const EnvChanges& env) {
    for (const auto& [name, value] : env) {
        if (value)
            setenv(name.c_str(), value->c_str(), 1);
        else
            unsetenv(name.c_str());
    }
}

Process::Process(const std::vector<std::string>& argv, const EnvChanges& env,
                 const std::string& input) {
    int in[2], out[2], err[2];
    if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]})
            close(fd);
        // No configuration of the machine's (/etc/mana-auth/mana-auth.env)
        // reaches a test's run: a test names its own.
        setenv("MANA_AUTH_CONFIG", "/dev/null", 1);
        apply_env(env);
        exec_program(argv);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    // Small inputs only: the pipe buffer (64 KiB) holds them without blocking.
    signal(SIGPIPE, SIG_IGN);
    std::size_t written = 0;
    while (written < input.size()) {
        const auto n = write(in[1], input.data() + written, input.size() - written);
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    close(in[1]);
    out_fd_ = out[0];
    err_fd_ = err[0];
}

Process::~Process() {
    if (!waited_) {
        kill(SIGKILL);
        wait();
    }
}

void Process::kill(int signal_number) {
    ::kill(pid_, signal_number);
}

Result Process::wait() {
    Result result;
    pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    char buffer[65536];
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            const auto n = read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<std::size_t>(n));
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    waited_ = true;
    result.exit_code = exit_code_of(status);
    return result;
}

Result run(const std::vector<std::string>& argv, const EnvChanges& env, const std::string& input) {
    return Process(argv, env, input).wait();
}

std::vector<std::string> cli_argv(const std::vector<std::string>& args) {
    std::vector<std::string> argv{MANA_AUTH_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

Result cli(const std::vector<std::string>& args, const EnvChanges& env, const std::string& input) {
    return run(cli_argv(args), env, input);
}

std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() /
            ("mana-" + std::to_string(getpid()) + "-" + name))
        .string();
}

std::string write_file(const std::string& name, const std::string& content) {
    const auto path = temp_path(name);
    std::ofstream(path, std::ios::binary) << content;
    return path;
}

TempFile::TempFile(const std::string& name, const std::string& content, mode_t mode)
    : path_(write_file(name, content)) {
    chmod(path_.c_str(), mode);
}

TempFile::~TempFile() {
    std::filesystem::remove(path_);
}

} // namespace mana::test
