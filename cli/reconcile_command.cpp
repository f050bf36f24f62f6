#include "common.hpp"

namespace mana::cli {

void set_reconcile_command(CLI::App& app, Context& ctx) {
    app.add_subcommand("reconcile", "(not implemented yet)")->callback([&ctx] {
        ctx.action = []() -> Exit { throw failure("reconcile: not implemented yet"); };
    });
}

} // namespace mana::cli
