// The whole command line, defined once: the binary parses with it and the
// man pages are written from it.
#include "common.hpp"
#include "util/build_info.hpp"
#include "util/option_names.hpp"

namespace mana::cli {

void define_app(CLI::App& app, Context& ctx) {
    app.name("mana-auth");
    app.description("mana-auth: register users and converge their sync singletons (userContext, "
                    "kontextDoc) between a Better Auth database and the sync change log.");
    app.set_version_flag("--version", std::string("mana-auth " MANA_AUTH_VERSION " (commit ") +
                                          build_commit() + ")");
    app.set_help_all_flag("--help-all", "Print this help and that of every command below this one");
    app.require_subcommand(1);
    app.fallthrough();
    app.get_formatter()->column_width(34);
    // How the library's messages name the options they point to.
    name_options({{Option::since, "--since"},
                  {Option::until, "--until"},
                  {Option::check, "--check"},
                  {Option::dry_run, "--dry-run"},
                  {Option::min_age, "--min-age"},
                  {Option::max_lag, "--max-lag"},
                  {Option::wait, "--wait"},
                  {Option::pooled_session_ok, "--pooled-session-ok"},
                  {Option::if_exists, "--if-exists"},
                  {Option::format, "--format"},
                  {Option::no_bootstrap, "--no-bootstrap"},
                  {Option::dir, "--dir"}});

    // The global options before the command; each command has them too.
    add_shared_options(app, ctx.global, true);
    set_register_command(app, ctx);
    set_verify_password_command(app, ctx);
    set_export_command(app, ctx);
    set_bootstrap_command(app, ctx);
    set_reconcile_command(app, ctx);
    set_doctor_command(app, ctx);
    set_catalog_command(app, ctx);
    set_dev_command(app, ctx);
    set_completions_command(app, ctx);
    set_help_footer(
        app, {"  eval \"$(mana-auth dev up)\"                  # local databases for development\n"
              "  mana-auth register --from founders.jsonl     # users from a file\n"
              "  mana-auth reconcile --all --check            # exit 10 when anything is missing\n"
              "  mana-auth <command> --help                   # a command's options\n",
              {Exit::ok, Exit::failure, Exit::usage, Exit::partial, Exit::not_found,
               Exit::already_exists, Exit::locked, Exit::max_writes, Exit::password_mismatch,
               Exit::drift, Exit::interrupted, Exit::terminated},
              registration_environment,
              connection_files,
              "mana-auth registers users of the Mana platform's authentication service (Better "
              "Auth on PostgreSQL) exactly as the service's sign-up does, and writes the per-user "
              "and per-Space default documents (singletons) that the service writes best-effort "
              "into its sync service's change log, wherever they are missing.\n"
              "It works on two databases: the auth database (--auth-db, else DATABASE_URL) and "
              "the sync database (--sync-db, else SYNC_DATABASE_URL). A setting comes from the "
              "option, else the environment, else the configuration file "
              "/etc/mana-auth/mana-auth.env, which the packaged systemd units read too.\n"
              "Every command prints text for people on stdout, or one JSON document with --json; "
              "logs go to stderr. The manual is /usr/share/doc/mana-auth/README.md.gz."});
}

} // namespace mana::cli
