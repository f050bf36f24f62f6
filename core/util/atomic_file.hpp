// A file that appears whole or not at all: written under a temporary name
// beside its path and renamed over it when complete, so that a reader (a
// metrics collector, an operator re-running a rejects file) never sees half
// of one. Errors carry the system's reason (exit 1).
#pragma once

#include <string>
#include <sys/types.h>

namespace mana {

class AtomicFile {
  public:
    // Creates the temporary file with mode (not widened by the umask's
    // absence: 0600 stays 0600): an Error if it cannot be, or if path is a
    // directory.
    AtomicFile(std::string path, mode_t mode);
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    // A file never committed leaves nothing behind.
    ~AtomicFile();

    void write(const std::string& text);
    // Renames the temporary file over path.
    void commit();
    const std::string& path() const { return path_; }

  private:
    void discard();

    std::string path_;
    std::string temporary_;
    int fd_ = -1;
};

// Whether an AtomicFile could be made at path, found out by making one and
// dropping it.
void check_file_writable(const std::string& path);

void write_file_atomically(const std::string& path, const std::string& content, mode_t mode = 0644);

} // namespace mana
