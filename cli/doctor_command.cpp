// mana-auth doctor: are both databases reachable and fit for the tool?
#include "common.hpp"
#include "ops/doctor.hpp"

namespace mana::cli {

void set_doctor_command(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand(
        "doctor", "Check both databases: connection, schema, row-level security, permissions");
    add_shared_options(*cmd, ctx.global, true);
    set_help_footer(*cmd,
                    {"  mana-auth doctor\n"
                     "  mana-auth doctor --json | jq '.checks[] | select(.status != \"ok\")'\n",
                     {Exit::ok, Exit::failure, Exit::usage},
                     connection_environment,
                     connection_files,
                     "Checks both databases for what the commands need: the connection and any "
                     "pooler, the schema and the NOT NULL columns the tool would leave empty, each "
                     "role's privileges, whether the auth database takes writes, row-level "
                     "security on sync_changes and what it means for reconcile, the change log's "
                     "indexes, an insert of the singletons' rows (rolled back), and whether the "
                     "sync role sees the standbys' lag.\n"
                     "Each check is ok, warn or fail, with an id for scripts in --json; any fail "
                     "is exit 1. A database that cannot be reached is a failed check, and the "
                     "other is still examined."});
    cmd->callback([&ctx] {
        ctx.action = [&ctx] {
            const auto catalog = catalog_in_force(ctx);
            const auto auth_choice = choose_database(DbRole::auth, ctx.global.auth_db);
            const auto sync_choice = choose_database(DbRole::sync, ctx.global.sync_db);
            const auto auth = try_open(auth_choice);
            const auto sync = try_open(sync_choice);
            const auto checks = run_doctor(auth, sync, catalog);
            bool ok = true;
            nlohmann::json list = nlohmann::json::array();
            for (const auto& check : checks) {
                ok = ok && check.status != CheckStatus::fail;
                const char* colour = check.status == CheckStatus::ok     ? green
                                     : check.status == CheckStatus::warn ? yellow
                                                                         : red;
                say(ctx, paint(ctx, check_status_name(check.status), colour) + "\t" + check.name +
                             ": " + check.detail);
                list.push_back({{"id", check.id},
                                {"name", check.name},
                                {"status", check_status_name(check.status)},
                                {"detail", check.detail}});
            }
            if (ctx.global.json) emit_json({{"ok", ok}, {"checks", list}});
            return ok ? Exit::ok : Exit::failure;
        };
    });
}

} // namespace mana::cli
