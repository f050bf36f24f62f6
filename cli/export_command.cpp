// mana-auth export: live users as the JSON Lines or CSV that `register
// --from` reads back (SPEC §8), to a file that appears whole with mode 0600
// or to stdout, which is never a terminal when hashes are asked for.
#include "auth/identity.hpp"
#include "auth/user_export.hpp"
#include "common.hpp"
#include "signals.hpp"
#include "util/atomic_file.hpp"

#include <iostream>
#include <memory>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace mana::cli {
namespace {

struct ExportCommandOptions {
    ExportFilter filter;
    std::optional<std::string> format;
    bool with_password_hashes = false;
    std::optional<std::string> out;
};

// Where the lines go: --out's file, or stdout; a block at a time.
class ExportSink {
  public:
    explicit ExportSink(const std::optional<std::string>& out) {
        if (out) file_ = create_output_file("--out", *out, 0600); // emails, and maybe hashes
    }

    void add(const std::string& text) {
        buffer_ += text;
        if (buffer_.size() >= 64 * 1024) flush();
    }

    // Everything written, and the file put in place.
    void finish() {
        flush();
        if (file_) return file_->commit();
        std::cout.flush();
        if (!std::cout) throw failure("could not write the users to stdout");
    }

    std::string where() const { return file_ ? file_->path() : "stdout"; }

  private:
    void flush() {
        if (file_)
            file_->write(buffer_);
        else
            std::cout << buffer_;
        buffer_.clear();
    }

    std::unique_ptr<AtomicFile> file_;
    std::string buffer_;
};

// Refusals that need no database, before anything is read.
void check_options(const Context& ctx, ExportCommandOptions& o) {
    if (o.with_password_hashes && !o.out && isatty(STDOUT_FILENO)) {
        throw usage_error("password hashes are never written to a terminal: pass --out FILE "
                          "(created with mode 0600) or redirect stdout");
    }
    if (ctx.global.json && !o.out)
        throw usage_error("--json needs --out FILE: without it the users go to stdout");
    if (auto& domain = o.filter.email_domain) {
        if (!domain->empty() && domain->front() == '@') domain->erase(0, 1);
        if (domain->empty() || domain->find('@') != std::string::npos)
            throw usage_error("--email-domain takes the part of an address after '@'");
    }
}

Exit run(const Context& ctx, ExportCommandOptions o) {
    check_options(ctx, o);
    ExportSink sink(o.out);
    auto auth = open_auth(ctx);
    install_stop_handlers();
    auto failures = nlohmann::json::array();
    const ExportOptions options{o.filter,
                                o.format
                                    ? (*o.format == "csv" ? InputFormat::csv : InputFormat::jsonl)
                                    : format_for_path(o.out.value_or("-")),
                                o.with_password_hashes};
    ExportCallbacks callbacks;
    callbacks.on_text = [&sink](const std::string& text) { sink.add(text); };
    callbacks.on_failure = [&failures](const ItemFailure& f) {
        spdlog::error("user {}: {}; not exported", f.item, f.error);
        if (failures.size() < 1000) failures.push_back({{"userId", f.item}, {"error", f.error}});
    };
    const auto summary = export_users(auth, options, callbacks);
    if (summary.interrupted) return exit_after_stop(Exit::partial); // no file at --out
    sink.finish();
    spdlog::info("exported {} users to {}{}", summary.exported, sink.where(),
                 summary.failed ? "; " + std::to_string(summary.failed) +
                                      " not exported (named above): register --from would "
                                      "not take them back"
                                : "");
    if (ctx.global.json) {
        emit_json({{"ok", summary.failed == 0},
                   {"exported", summary.exported},
                   {"failed", summary.failed},
                   {"failures", failures},
                   {"out", sink.where()},
                   {"format", options.format == InputFormat::csv ? "csv" : "jsonl"},
                   {"withPasswordHashes", o.with_password_hashes}});
    }
    if (summary.failed == 0) return Exit::ok;
    return summary.exported == 0 ? Exit::failure : Exit::partial;
}

} // namespace

void set_export_command(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<ExportCommandOptions>();
    auto* cmd = app.add_subcommand(
        "export", "Write live users as the JSON Lines or CSV that register --from reads");
    add_shared_options(*cmd, ctx.global, true);
    cmd->add_option("--tier", o->filter.tier, "Only users of this access tier")
        ->type_name("TIER")
        ->check(CLI::IsMember(tiers))
        ->group(behaviour_group);
    cmd->add_option("--role", o->filter.role, "Only users of this role")
        ->type_name("ROLE")
        ->check(CLI::IsMember(roles))
        ->group(behaviour_group);
    cmd->add_option("--kind", o->filter.kind, "Only users of this kind")
        ->type_name("KIND")
        ->check(CLI::IsMember(user_kinds))
        ->group(behaviour_group);
    cmd->add_option("--email-domain", o->filter.email_domain,
                    "Only addresses at this domain (any case)")
        ->type_name("DOMAIN")
        ->group(behaviour_group);
    cmd->add_flag("--with-password-hashes", o->with_password_hashes,
                  "Add each credential's Better Auth hash as password_hash, so that the users "
                  "sign in with their passwords where they are registered; never to a terminal")
        ->group(behaviour_group);
    cmd->add_option("--out", o->out,
                    "Write to FILE (mode 0600, put in place whole when done) instead of stdout")
        ->type_name("FILE")
        ->group(behaviour_group);
    cmd->add_option("--format", o->format, "jsonl or csv (default: csv for *.csv, else jsonl)")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"jsonl", "csv"}))
        ->group(behaviour_group);
    set_help_footer(
        *cmd,
        {"  mana-auth export --tier founder --out founders.jsonl\n"
         "  mana-auth export --with-password-hashes --out users.jsonl   # then, elsewhere:\n"
         "  mana-auth register --from users.jsonl --if-exists skip\n"
         "  mana-auth export --email-domain example.com --format csv | less\n",
         {Exit::ok, Exit::failure, Exit::usage, Exit::partial, Exit::interrupted, Exit::terminated},
         connection_environment,
         connection_files,
         "Writes the live users (soft-deleted ones never) one a line, in the format `register "
         "--from` reads: email, name, tier, role, kind, verified and, with "
         "--with-password-hashes, the credential's Better Auth hash as password_hash. Registered "
         "from that file on another database, they sign in there with the passwords they have "
         "here.\n"
         "The users are read a page at a time in one snapshot of the auth database (memory does "
         "not grow with them); it writes nothing there. A user that register --from would not "
         "take back (an address or name it refuses; with hashes, a credential that is no Better "
         "Auth scrypt hash) is named and left out, exit 3. --out files are mode 0600 and appear "
         "whole when the export ends; hashes are never written to a terminal (exit 2)."});
    cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return run(ctx, *o); }; });
}

} // namespace mana::cli
