#include "common.hpp"

namespace mana::cli {

void set_completions_command(CLI::App& app, Context& ctx) {
    app.add_subcommand("completions", "(not implemented yet)")->callback([&ctx] {
        ctx.action = []() -> Exit { throw failure("completions: not implemented yet"); };
    });
}

} // namespace mana::cli
