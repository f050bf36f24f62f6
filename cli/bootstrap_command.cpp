// mana-auth bootstrap user|space: write the missing singletons of one user
// (and its Spaces) or of one Space.
#include "common.hpp"
#include "sync/bootstrap.hpp"

namespace mana::cli {
namespace {

struct BootstrapOptions {
    std::optional<std::string> id;
    std::optional<std::string> email;
    std::optional<std::string> slug;
    std::optional<std::string> owner;
    bool dry_run = false;
};

std::string painted(const Context& ctx, Outcome outcome) {
    return paint(ctx, outcome_text(outcome), outcome == Outcome::present ? green : yellow);
}

// In the service's shape true means "written now"; a dry run reports what
// is missing instead.
bool json_flag(Outcome outcome, bool dry_run) {
    return dry_run ? outcome == Outcome::would_write : outcome == Outcome::written;
}

Exit run_user(const Context& ctx, const BootstrapOptions& o) {
    if (o.id.has_value() == o.email.has_value()) {
        throw usage_error("bootstrap user: give USER_ID or --email EMAIL (one of them)");
    }
    const auto catalog = catalog_in_force(ctx);
    auto [auth, sync] = open_both(ctx);
    const auto user = o.id ? resolve_live_user(auth, UserKey::id, *o.id, not_bootstrapped)
                           : resolve_live_user(auth, UserKey::email, *o.email, not_bootstrapped);
    const auto result = bootstrap_user(auth, sync, catalog, user, o.dry_run);

    nlohmann::json singletons = nlohmann::json::object();
    // The service endpoint's shape: the built-in kinds under their own
    // keys; any other kind under otherKinds, by name.
    for (const auto* kind : writable_kinds(catalog, Scope::space))
        if (is_builtin_kind(kind->name, Scope::space))
            singletons["spaces"] = nlohmann::json::object();
    nlohmann::json others = nlohmann::json::object();
    for (const auto& [kind, outcome] : result.user_kinds) {
        say(ctx, kind + " of user " + user.id + ": " + painted(ctx, outcome));
        (is_builtin_kind(kind, Scope::user) ? singletons : others)[kind] =
            json_flag(outcome, o.dry_run);
    }
    nlohmann::json errors = nlohmann::json::object();
    for (const auto& space : result.spaces) {
        for (const auto& [kind, outcome] : space.outcomes) {
            say(ctx, kind + " of Space " + space.space_id + " (writer " + space.writer +
                         "): " + painted(ctx, outcome));
            auto& by_space =
                is_builtin_kind(kind, Scope::space) ? singletons["spaces"] : others[kind];
            by_space[space.space_id] = json_flag(outcome, o.dry_run);
        }
        if (space.failed) {
            say(ctx, "Space " + space.space_id + ": " + paint(ctx, "FAILED", red) + ": " +
                         space.failed->error);
            errors[space.space_id] = space.failed->error;
        }
    }
    if (ctx.global.json) {
        nlohmann::json doc = {{"ok", !result.any_failed()}};
        doc[o.dry_run ? "missing" : "bootstrapped"] = singletons;
        if (!others.empty()) doc["otherKinds"] = others;
        if (o.dry_run) doc["dryRun"] = true;
        if (!errors.empty()) doc["errors"] = errors;
        emit_json(doc);
    }
    if (result.any_failed()) return Exit::partial;
    return o.dry_run && result.anything_missing() ? Exit::drift : Exit::ok;
}

// The Space's writer, or the Error that names --owner or asks for it.
std::string writer_for(Database& auth, const SpaceRecord& space,
                       const std::optional<std::string>& owner) {
    auto writer = space_writer(auth, space, owner);
    if (auto* chosen = std::get_if<std::string>(&writer)) return std::move(*chosen);
    const auto& problem = std::get<WriterProblem>(writer);
    switch (problem.kind) {
    case WriterProblem::Kind::malformed_id:
        throw usage_error("--owner " + problem.detail);
    case WriterProblem::Kind::not_a_live_user:
        throw not_found("--owner " + *owner + " is not a live user of the auth database");
    case WriterProblem::Kind::not_a_live_member:
        throw not_found("--owner " + *owner + " is not a live member of Space " + space.id);
    case WriterProblem::Kind::orphan:
        break;
    }
    throw failure("Space " + space.id +
                  " is an orphan (no live member); nothing written: pass --owner USER_ID to "
                  "choose who writes its singletons");
}

Exit run_space(const Context& ctx, const BootstrapOptions& o) {
    if (o.id.has_value() == o.slug.has_value()) {
        throw usage_error("bootstrap space: give SPACE_ID or --slug SLUG (one of them)");
    }
    const auto catalog = catalog_in_force(ctx);
    auto [auth, sync] = open_both(ctx);
    const auto space = o.id ? resolve_space(auth, SpaceKey::id, *o.id)
                            : resolve_space(auth, SpaceKey::slug, *o.slug);
    const auto result =
        bootstrap_space(sync, catalog, space, writer_for(auth, space, o.owner), o.dry_run);
    nlohmann::json singletons = nlohmann::json::object();
    nlohmann::json others = nlohmann::json::object();
    bool missing = false;
    for (const auto& [kind, outcome] : result.outcomes) {
        say(ctx, kind + " of Space " + space.id + " (writer " + result.writer +
                     "): " + painted(ctx, outcome));
        (is_builtin_kind(kind, Scope::space) ? singletons : others)[kind] =
            json_flag(outcome, o.dry_run);
        missing = missing || outcome == Outcome::would_write;
    }
    if (result.outcomes.empty())
        say(ctx, "Space " + space.id + ": the catalog in force has no Space kind that is written");
    if (ctx.global.json) {
        nlohmann::json doc = {{"ok", true}, {"spaceId", space.id}, {"writer", result.writer}};
        doc[o.dry_run ? "missing" : "bootstrapped"] = singletons;
        if (!others.empty()) doc["otherKinds"] = others;
        if (o.dry_run) doc["dryRun"] = true;
        emit_json(doc);
    }
    return o.dry_run && missing ? Exit::drift : Exit::ok;
}

void add_dry_run(CLI::App& cmd, BootstrapOptions& o) {
    cmd.add_flag("--dry-run", o.dry_run,
                 "Say what would be written, write nothing (exit 10 if anything would be)")
        ->group(behaviour_group);
}

} // namespace

void set_bootstrap_command(CLI::App& app, Context& ctx) {
    auto* bootstrap = app.add_subcommand(
        "bootstrap", "Write the missing singletons of one user (and its Spaces) or of one Space");
    bootstrap->require_subcommand(1);
    const std::vector<Exit> exits = {Exit::ok,      Exit::failure,   Exit::usage,
                                     Exit::partial, Exit::not_found, Exit::drift};
    set_help_footer(*bootstrap, {"  mana-auth bootstrap user --email ada@example.com\n"
                                 "  mana-auth bootstrap space --slug ada --dry-run\n",
                                 exits, connection_environment, connection_files,
                                 "Writes the missing singletons of one user (bootstrap user: its "
                                 "userContext and the kontextDoc of every Space it is a member "
                                 "of) or of one Space (bootstrap space), as the service's "
                                 "bootstrap endpoint does, exactly once even beside a running "
                                 "reconcile or the service's own write.\n"
                                 "--dry-run says what is missing and writes nothing (exit 10 "
                                 "when something is). A user or Space that is not there, or a "
                                 "soft-deleted user, is exit 4."});

    auto user_options = std::make_shared<BootstrapOptions>();
    auto* user = bootstrap->add_subcommand(
        "user", "The user's userContext and the kontextDoc of every Space it is a member of");
    add_shared_options(*user, ctx.global, true);
    user->add_option("USER_ID", user_options->id, "The user's id")->group(behaviour_group);
    user->add_option("--email", user_options->email, "The user's email instead of its id")
        ->type_name("EMAIL")
        ->group(behaviour_group);
    add_dry_run(*user, *user_options);
    set_help_footer(*user, {"  mana-auth bootstrap user 3bYd8Xq2...                # by id\n"
                            "  mana-auth bootstrap user --email ada@example.com --json\n"
                            "  mana-auth bootstrap user --email ada@example.com --dry-run\n",
                            exits, connection_environment, connection_files});
    user->callback([&ctx, user_options] {
        ctx.action = [&ctx, user_options] { return run_user(ctx, *user_options); };
    });

    auto space_options = std::make_shared<BootstrapOptions>();
    auto* space = bootstrap->add_subcommand("space", "The Space's kontextDoc");
    add_shared_options(*space, ctx.global, true);
    space->add_option("SPACE_ID", space_options->id, "The Space's id")->group(behaviour_group);
    space->add_option("--slug", space_options->slug, "The Space's slug instead of its id")
        ->type_name("SLUG")
        ->group(behaviour_group);
    space
        ->add_option("--owner", space_options->owner,
                     "Who writes it: a live member (any live user for an orphan Space)")
        ->type_name("USER_ID")
        ->group(behaviour_group);
    add_dry_run(*space, *space_options);
    set_help_footer(*space,
                    {"  mana-auth bootstrap space --slug ada\n"
                     "  mana-auth bootstrap space Xk3... --owner 3bYd8Xq2...   # an orphan Space\n",
                     {Exit::ok, Exit::failure, Exit::usage, Exit::not_found, Exit::drift},
                     connection_environment,
                     connection_files});
    space->callback([&ctx, space_options] {
        ctx.action = [&ctx, space_options] { return run_space(ctx, *space_options); };
    });
}

} // namespace mana::cli
