// mana-auth verify-password EMAIL: whether a password matches the user's
// stored credential, as Better Auth's sign-in would judge it (SPEC §8).
// Reads only; says nothing of the hash.
#include "auth/credentials.hpp"
#include "common.hpp"
#include "password_input.hpp"

namespace mana::cli {
namespace {

struct VerifyOptions {
    std::string email;
    PasswordInput password;
};

Exit run(const Context& ctx, const VerifyOptions& o) {
    refuse_password_on_argv(o.password);
    auto auth = open_auth(ctx);
    const auto password = read_password(o.password, "Password for " + o.email + ": ", true, false);
    if (!password) throw usage_error("no password to verify: " + std::string(password_sources));
    const auto check = check_password(auth, o.email, *password);
    const auto who = o.email + " (user " + check.user.id + ")";
    switch (check.verdict) {
    case PasswordVerdict::matches:
        break;
    case PasswordVerdict::does_not_match:
        throw Error(Exit::password_mismatch,
                    "the password does not match the credential of " + who);
    case PasswordVerdict::unusable_hash:
        throw Error(Exit::password_mismatch,
                    "no password matches the credential of " + who +
                        ": it is no Better Auth scrypt hash (`mana-auth doctor` counts these); "
                        "give the user a new password with `mana-auth register EMAIL "
                        "--if-exists update`");
    }
    say(ctx, "the password matches the credential of " + who);
    if (ctx.global.json)
        emit_json({{"ok", true}, {"email", o.email}, {"userId", check.user.id}, {"matches", true}});
    return Exit::ok;
}

} // namespace

void set_verify_password_command(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<VerifyOptions>();
    auto* cmd = app.add_subcommand(
        "verify-password", "Check a password against a user's credential, as sign-in would");
    add_shared_options(*cmd, ctx.global, true);
    cmd->add_option("EMAIL", o->email, "The user's email")->required()->group(behaviour_group);
    add_password_options(*cmd, o->password, behaviour_group);
    set_help_footer(
        *cmd,
        {"  mana-auth verify-password ada@example.com                    # prompts\n"
         "  printf '%s' \"$PW\" | mana-auth verify-password ada@example.com --password-stdin\n",
         {Exit::ok, Exit::failure, Exit::usage, Exit::not_found, Exit::password_mismatch},
         registration_environment,
         connection_files,
         "Checks whether a password signs a user in: the live user with EMAIL (found in any "
         "case), its password credential, and the password hashed with that credential's salt "
         "as Better Auth hashes it. Exit 0 when it matches, 8 when it does not or when the "
         "stored credential is no Better Auth scrypt hash, 4 when there is no such live user "
         "or it has no password credential.\n"
         "The password comes from MANA_AUTH_PASSWORD, --password-stdin, --password-file or a "
         "prompt, never from the command line. It reads the auth database only (a standby "
         "serves), writes nothing and prints nothing of the hash."});
    cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return run(ctx, *o); }; });
}

} // namespace mana::cli
