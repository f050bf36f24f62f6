// mana-auth dev up|reset|down|status|env: a throwaway local cluster for
// development, seeded from a sign-up file when asked.
#include "common.hpp"
#include "ops/dev_cluster.hpp"
#include "password_input.hpp"
#include "signals.hpp"

#include <iostream>
#include <spdlog/spdlog.h>

namespace mana::cli {
namespace {

// What --seed did: its JSON, and the exit it calls for.
struct Seeded {
    nlohmann::json json;
    Exit exit = Exit::ok;
};

// Registers the --seed file, saying so on stderr: stdout is the exports'.
Seeded seed(const Context& ctx, const DevCluster& cluster, const std::string& file) {
    BatchCallbacks callbacks;
    callbacks.on_failure = [](const RowFailure& f) {
        spdlog::error("--seed line {}: {}", f.line, f.failure.error);
    };
    install_stop_handlers();
    const auto s = dev_seed(cluster, file, catalog_in_force(ctx), callbacks);
    spdlog::info("seeded from {}: {} created, {} already there, {} failed; singletons: {} written",
                 file, s.created, s.skipped, s.failed, s.singletons_written);
    if (s.stopped)
        spdlog::error("--seed stopped at line {}: {}", s.stopped->line, s.stopped->error);
    // Its own sync database: a singleton not written is a seed not done.
    if (s.sync_error) spdlog::error("--seed: singletons not written: {}", *s.sync_error);
    Seeded seeded{{{"file", file},
                   {"created", s.created},
                   {"skipped", s.skipped},
                   {"failed", s.failed},
                   {"singletonsWritten", s.singletons_written}},
                  Exit::ok};
    if (s.interrupted)
        seeded.exit = exit_after_stop(Exit::partial);
    else if (s.stopped || s.sync_error || (s.failed > 0 && s.failed == s.rows()))
        seeded.exit = Exit::failure;
    else if (s.failed > 0)
        seeded.exit = Exit::partial;
    return seeded;
}

void print_exports(const Context& ctx, const DevCluster& cluster,
                   const nlohmann::json& seeded = nullptr) {
    if (ctx.global.json) {
        nlohmann::json doc = {{"ok", true},
                              {"dir", cluster.dir},
                              {"port", cluster.port},
                              {"running", cluster.running},
                              {"DATABASE_URL", cluster.auth_url()},
                              {"SYNC_DATABASE_URL", cluster.sync_url()}};
        if (!seeded.is_null()) doc["seed"] = seeded;
        emit_json(doc);
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
    auto seed_file = std::make_shared<std::optional<std::string>>();
    const auto add = [&](const char* name, const char* purpose,
                         const std::function<Exit()>& action) {
        auto* command = dev->add_subcommand(name, purpose);
        command->add_option("--dir", *dir, "State directory of the cluster (default: ./.mana-dev)")
            ->type_name("DIR")
            ->group(behaviour_group);
        add_shared_options(*command, ctx.global, false);
        command->callback([&ctx, action] { ctx.action = action; });
        return command;
    };
    const auto add_seed = [&](CLI::App* command) {
        command
            ->add_option("--seed", *seed_file,
                         "Then register the users of FILE (JSON Lines, or CSV by its name) as "
                         "register --from FILE --if-exists skip does")
            ->type_name("FILE")
            ->group(behaviour_group);
    };
    // The cluster made ready by ready(), then seeded when asked.
    const auto ready_then_seed = [&ctx, seed_file](const std::function<DevCluster()>& ready) {
        if (*seed_file) require_readable_file("--seed", **seed_file);
        const auto cluster = ready();
        if (!*seed_file) {
            print_exports(ctx, cluster);
            return Exit::ok;
        }
        const auto seeded = seed(ctx, cluster, **seed_file);
        print_exports(ctx, cluster, seeded.json);
        return seeded.exit;
    };
    set_help_footer(*dev, {"  eval \"$(mana-auth dev up)\"      # start it, export both URLs\n"
                           "  mana-auth dev up --seed tests/data/founders.jsonl\n"
                           "  mana-auth dev reset --seed tests/data/founders.jsonl  # start over\n"
                           "  mana-auth dev status\n"
                           "  mana-auth dev down               # stop it and remove its data\n",
                           {Exit::ok, Exit::failure, Exit::usage, Exit::partial},
                           {},
                           {"./.mana-dev"},
                           "Runs a throwaway PostgreSQL cluster for development, with an auth "
                           "and a sync database made from the schemas the tool was built with: "
                           "up starts it and prints the variables to export, env prints them "
                           "again, status says whether it runs, reset drops both databases and "
                           "makes them again, down stops it and removes its data. --seed FILE "
                           "registers a sign-up file after up or reset (the founders in one "
                           "command; a second up creates nothing). It touches no other "
                           "database."});

    add_seed(
        add("up", "Start the cluster (creating it if needed) and print the exports",
            [dir, ready_then_seed] { return ready_then_seed([dir] { return dev_up(*dir); }); }));
    add_seed(
        add("reset", "Drop and recreate both databases of the running cluster",
            [dir, ready_then_seed] { return ready_then_seed([dir] { return dev_reset(*dir); }); }));
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
