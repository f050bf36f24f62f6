// mana-auth completions bash|zsh|fish: the completion scripts of completions/.
#include "common.hpp"
#include "completion_scripts.hpp"

#include <iostream>

namespace mana::cli {

void set_completions_command(CLI::App& app, Context& ctx) {
    auto shell = std::make_shared<std::string>();
    auto* cmd =
        app.add_subcommand("completions", "Print the completion script for bash, zsh or fish");
    cmd->add_option("SHELL", *shell, "bash, zsh or fish")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}))
        ->group(behaviour_group);
    add_shared_options(*cmd, ctx.global, false);
    set_help_footer(*cmd,
                    {"  source <(mana-auth completions bash)\n"
                     "  mana-auth completions zsh > ~/.zfunc/_mana-auth\n"
                     "  mana-auth completions fish > ~/.config/fish/completions/mana-auth.fish\n",
                     {Exit::ok, Exit::usage},
                     {},
                     {"/usr/share/bash-completion/completions/mana-auth",
                      "/usr/share/zsh/vendor-completions/_mana-auth",
                      "/usr/share/fish/vendor_completions.d/mana-auth.fish"},
                     "Prints the completion script of bash, zsh or fish, to source or to put "
                     "where the shell looks. The package installs all three in the shells' "
                     "vendor directories, where they are found without this command."});
    cmd->callback([&ctx, shell] {
        ctx.action = [&ctx, shell] {
            const char* script = *shell == "bash"  ? bash_completion()
                                 : *shell == "zsh" ? zsh_completion()
                                                   : fish_completion();
            if (ctx.global.json)
                emit_json({{"ok", true}, {"shell", *shell}, {"script", script}});
            else
                std::cout << script;
            return Exit::ok;
        };
    });
}

} // namespace mana::cli
