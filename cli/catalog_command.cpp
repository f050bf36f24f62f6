// mana-auth catalog [check FILE]: the kinds of singleton in force, or
// whether a catalog file is one this tool reads (SPEC §7).
#include "common.hpp"
#include "sync/catalog.hpp"

namespace mana::cli {
namespace {

std::string record_id_text(const CatalogKind& kind) {
    return kind.record_id ? "record " + *kind.record_id : "record a fresh UUID v4";
}

// A line a kind (name, scope, where its rows go, its record id), or the
// JSON document.
Exit show(const Context& ctx, const Catalog& catalog) {
    for (const auto& kind : catalog.kinds) {
        say(ctx, kind.name + "\t" + (kind.scope == Scope::user ? "user" : "space") + "\t" +
                     kind.app_id + "/" + kind.table_name + "\t" + record_id_text(kind) +
                     (kind.retired ? "\tretired: never written" : ""));
    }
    if (ctx.global.json) {
        emit_json({{"ok", true}, {"source", catalog.source}, {"catalog", catalog_json(catalog)}});
    }
    return Exit::ok;
}

} // namespace

void set_catalog_command(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("catalog", "Show the kinds of singleton the writers work from");
    add_shared_options(*cmd, ctx.global, false);
    add_catalog_option(*cmd, ctx.global);
    set_help_footer(*cmd, {"  mana-auth catalog\n"
                           "  mana-auth catalog --json | jq .catalog > catalog.json\n"
                           "  mana-auth catalog check catalog.json\n",
                           {Exit::ok, Exit::usage},
                           {"MANA_AUTH_CATALOG"},
                           {},
                           "Prints the catalog of singleton kinds in force: --catalog's file, "
                           "else MANA_AUTH_CATALOG's, else the built-in one, which is "
                           "/usr/share/doc/mana-auth/examples/catalog.json as packaged.\n"
                           "catalog check FILE validates a catalog without using it: a field "
                           "that is wrong is exit 2, naming the field and why."});
    auto file = std::make_shared<std::string>();
    auto* check = cmd->add_subcommand("check", "Check that a catalog file is one mana-auth reads");
    check->add_option("FILE", *file, "The catalog file (JSON)")->required()->group(behaviour_group);
    add_shared_options(*check, ctx.global, false);
    set_help_footer(*check, {"  mana-auth catalog check /etc/mana-auth/catalog.json\n",
                             {Exit::ok, Exit::usage},
                             {},
                             {}});
    check->callback([&ctx, file] {
        ctx.action = [&ctx, file] {
            const auto catalog = read_catalog_file(*file);
            say(ctx,
                *file + ": a valid catalog of " + std::to_string(catalog.kinds.size()) + " kinds");
            return show(ctx, catalog);
        };
    });
    cmd->callback([&ctx, check] {
        if (check->parsed()) return;
        ctx.action = [&ctx] {
            const auto catalog = catalog_in_force(ctx);
            say(ctx, "catalog in force: " + catalog.source);
            return show(ctx, catalog);
        };
    });
}

} // namespace mana::cli
