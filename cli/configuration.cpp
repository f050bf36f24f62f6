// The one configuration of a host: the file the systemd units read
// (EnvironmentFile=), read by every command run by hand too, so that the
// timers and an operator's commands reach the same databases with the same
// settings. Precedence: an option, then the environment, then the file.
#include "common.hpp"
#include "util/env_file.hpp"
#include "util/secrets.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <spdlog/spdlog.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace mana::cli {
namespace {

// The file the run read, or would have: where a missing setting may be
// set, and why the default file, there but unreadable, was not read.
struct Configuration {
    std::string path = default_configuration_file;
    std::string unread;
};
Configuration& configuration() {
    static Configuration loaded;
    return loaded;
}

// Warnings for a file that others may change (and so point the tool at
// another database), or read while it holds a password.
void check_mode(const std::string& path, const struct stat& st, bool holds_password) {
    if (!S_ISREG(st.st_mode)) return;
    if (st.st_uid != 0 && st.st_uid != geteuid()) {
        spdlog::warn("{}: owned by uid {}, neither root nor this user: whoever owns it chooses "
                     "the databases this tool writes to; chown root {}",
                     path, st.st_uid, path);
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        spdlog::warn("{}: writable by {}: they choose the databases this tool writes to; chmod "
                     "go-w {}",
                     path, st.st_mode & S_IWOTH ? "every user" : "its group", path);
    }
    if ((st.st_mode & S_IROTH) && holds_password) {
        spdlog::warn("{}: readable by every user and holds a password; chmod o-r {} (or keep the "
                     "password in ~/.pgpass)",
                     path, path);
    }
}

// --config's file, else MANA_AUTH_CONFIG's, else the default.
std::string configuration_file(const Context& ctx) {
    if (!ctx.global.config.empty()) return ctx.global.config;
    const char* named = std::getenv("MANA_AUTH_CONFIG");
    return named && *named ? named : default_configuration_file;
}

} // namespace

void load_configuration(const Context& ctx) {
    const auto path = configuration_file(ctx);
    const bool named = path != default_configuration_file;
    configuration().path = path;
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        const std::string why = std::strerror(errno);
        if (named) throw usage_error("configuration " + path + ": cannot be read (" + why + ")");
        if (errno != ENOENT) configuration().unread = why;
        return;
    }
    std::ostringstream text;
    text << file.rdbuf();
    const auto assignments = parse_env_file(text.str(), "configuration " + path);
    bool holds_password = false;
    for (const auto& a : assignments) {
        holds_password = register_variable_secrets(a.key, a.value) || holds_password;
        // An empty variable in the environment counts as unset.
        const char* set = std::getenv(a.key.c_str());
        if (!set || !*set) setenv(a.key.c_str(), a.value.c_str(), 1);
    }
    struct stat st {};
    if (stat(path.c_str(), &st) == 0) check_mode(path, st, holds_password);
    spdlog::debug("configuration: {} variables read from {}", assignments.size(), path);
}

std::string where_settings_go() {
    const auto& loaded = configuration();
    return "in the environment or " + loaded.path +
           (loaded.unread.empty() ? "" : ", which this user cannot read: " + loaded.unread);
}

} // namespace mana::cli
