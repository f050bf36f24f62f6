// A throwaway local PostgreSQL for development (`mana-auth dev`): one
// cluster in a state directory, with the auth and sync databases created
// from sql/.
#pragma once

#include <optional>
#include <string>

namespace mana {

struct DevCluster {
    std::string dir;
    int port = 0;
    bool running = false;
    std::string auth_url() const;
    std::string sync_url() const;
};

// Starts the cluster (creating it first if needed) and its two databases.
// Harmless on a running cluster.
DevCluster dev_up(const std::string& dir);

// Stops the cluster and removes its data.
void dev_down(const std::string& dir);

// What is there; port is 0 when the directory holds no cluster.
DevCluster dev_status(const std::string& dir);

} // namespace mana
