// A throwaway local PostgreSQL for development (`mana-auth dev`): one
// cluster in a state directory, with the auth and sync databases created
// from sql/.
#pragma once

#include "jobs/batch_register.hpp"

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

// Drops both databases of the running cluster and makes them again from
// sql/: a fresh start that keeps the cluster and its port.
DevCluster dev_reset(const std::string& dir);

// Registers the sign-ups of file (JSON Lines, or CSV by its name) into the
// cluster as `register --from FILE --if-exists skip` does, singletons
// included: seeding twice creates nothing the second time.
BatchSummary dev_seed(const DevCluster& cluster, const std::string& file, const Catalog& catalog,
                      const BatchCallbacks& callbacks);

// Stops the cluster and removes its data.
void dev_down(const std::string& dir);

// What is there; port is 0 when the directory holds no cluster.
DevCluster dev_status(const std::string& dir);

} // namespace mana
