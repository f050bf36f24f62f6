#include "util/atomic_file.hpp"

#include "util/error.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mana {
namespace {

std::string system_reason() {
    return std::strerror(errno);
}

} // namespace

AtomicFile::AtomicFile(std::string path, mode_t mode)
    : path_(std::move(path)), temporary_(path_ + ".tmp." + std::to_string(getpid())) {
    struct stat target {};
    if (::stat(path_.c_str(), &target) == 0 && S_ISDIR(target.st_mode))
        throw failure(path_ + " is a directory");
    // Truncated, not exclusive: a run killed before its rename leaves its
    // file, and a later run with the same pid (a container's) takes it over.
    fd_ = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd_ < 0) throw failure("cannot create " + temporary_ + ": " + system_reason());
    // open() leaves out what the umask masks and keeps a taken-over file's
    // mode: make it mode.
    if (::fchmod(fd_, mode) != 0) {
        const auto why = system_reason();
        discard();
        throw failure("cannot set the mode of " + temporary_ + ": " + why);
    }
}

AtomicFile::~AtomicFile() {
    discard();
}

void AtomicFile::discard() {
    if (fd_ < 0) return;
    ::close(fd_);
    ::unlink(temporary_.c_str());
    fd_ = -1;
}

void AtomicFile::write(const std::string& text) {
    for (std::size_t done = 0; done < text.size();) {
        const auto n = ::write(fd_, text.data() + done, text.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
        } else if (n == 0 || errno != EINTR) { // nothing written is no progress either
            const auto why = system_reason();
            discard();
            throw failure("cannot write " + temporary_ + ": " + why);
        }
    }
}

void AtomicFile::commit() {
    if (::close(fd_) != 0) {
        const auto why = system_reason();
        fd_ = -1;
        ::unlink(temporary_.c_str());
        throw failure("cannot write " + temporary_ + ": " + why);
    }
    fd_ = -1;
    if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
        const auto why = system_reason();
        ::unlink(temporary_.c_str());
        throw failure("cannot rename " + temporary_ + " to " + path_ + ": " + why);
    }
}

void check_file_writable(const std::string& path) {
    AtomicFile probe(path, 0644); // dropped unwritten
}

void write_file_atomically(const std::string& path, const std::string& content, mode_t mode) {
    AtomicFile file(path, mode);
    file.write(content);
    file.commit();
}

} // namespace mana
