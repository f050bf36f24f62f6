// mana-auth dev up|down|status|env: a throwaway local cluster for development.
#include "common.hpp"
#include "ops/dev_cluster.hpp"

#include <iostream>

namespace mana::cli {
namespace {

void print_exports(const Context& ctx, const DevCluster& cluster) {
    if (ctx.global.json) {
        emit_json({{"ok", true},
                   {"dir", cluster.dir},
                   {"port", cluster.port},
                   {"running", cluster.running},
                   {"DATABASE_URL", cluster.auth_url()},
                   {"SYNC_DATABASE_URL", cluster.sync_url()}});
        return;
    }
    // For eval "$(mana-auth dev up)": only shell on stdout, even with --quiet.
    std::cout << "export DATABASE_URL=" << cluster.auth_url()
              << " SYNC_DATABASE_URL=" << cluster.sync_url() << std::endl;
}

} // namespace

void set_dev_command(CLI::App& app, Context& ctx) {
    auto* dev = app.add_subcommand(
        "dev", "A throwaway local PostgreSQL with both databases, for development");
    dev->require_subcommand(1);
    auto dir = std::make_shared<std::string>(".mana-dev");
    const auto add = [&](const char* name, const char* purpose,
                         const std::function<Exit()>& action) {
        auto* command = dev->add_subcommand(name, purpose);
        command->add_option("--dir", *dir, "State directory of the cluster (default: ./.mana-dev)")
            ->type_name("DIR")
            ->group(behaviour_group);
        add_shared_options(*command, ctx.global, false);
        command->callback([&ctx, action] { ctx.action = action; });
    };
    set_help_footer(*dev, {"  eval \"$(mana-auth dev up)\"      # start it, export both URLs\n"
                           "  mana-auth dev status\n"
                           "  mana-auth dev down               # stop it and remove its data\n",
                           {Exit::ok, Exit::failure, Exit::usage},
                           {},
                           {"./.mana-dev"},
                           "Runs a throwaway PostgreSQL cluster for development, with an auth "
                           "and a sync database made from the schemas the tool was built with: "
                           "up starts it and prints the variables to export, env prints them "
                           "again, status says whether it runs, down stops it and removes its "
                           "data. It touches no other database."});

    add("up", "Start the cluster (creating it if needed) and print the exports", [&ctx, dir] {
        print_exports(ctx, dev_up(*dir));
        return Exit::ok;
    });
    add("env", "Print the exports of the running cluster again", [&ctx, dir] {
        const auto cluster = dev_status(*dir);
        if (!cluster.running) {
            throw failure("dev: no running cluster in " + cluster.dir + ": run `mana-auth dev up`");
        }
        print_exports(ctx, cluster);
        return Exit::ok;
    });
    add("status", "Say whether the cluster runs (exit 0 if it does, 1 if not)", [&ctx, dir] {
        const auto cluster = dev_status(*dir);
        if (ctx.global.json) {
            emit_json({{"ok", cluster.running},
                       {"dir", cluster.dir},
                       {"port", cluster.port},
                       {"running", cluster.running}});
        } else {
            say(ctx, cluster.running ? "running on 127.0.0.1:" + std::to_string(cluster.port) +
                                           " (" + cluster.dir + ")"
                                     : "not running (" + cluster.dir + ")");
        }
        return cluster.running ? Exit::ok : Exit::failure;
    });
    add("down", "Stop the cluster and remove its data", [&ctx, dir] {
        dev_down(*dir);
        say(ctx, "stopped and removed");
        if (ctx.global.json) emit_json({{"ok", true}});
        return Exit::ok;
    });
}

} // namespace mana::cli
