// mana-auth register: one user (password from stdin, a file, the
// environment or a prompt) or many from a file.
#include "auth/directory.hpp"
#include "auth/identity.hpp"
#include "common.hpp"
#include "jobs/batch_register.hpp"
#include "password_input.hpp"
#include "progress.hpp"
#include "signals.hpp"
#include "util/atomic_file.hpp"
#include "util/secrets.hpp"
#include "util/text.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <spdlog/spdlog.h>
#include <thread>

namespace mana::cli {
namespace {

struct RegisterOptions {
    std::string email;
    SignUp defaults; // tier, role and kind as given
    bool verified = false;
    std::optional<std::string> name;
    std::string if_exists = "error";
    bool no_bootstrap = false;
    bool require_sync = false;
    PasswordInput password;
    std::optional<std::string> from;
    std::optional<std::string> format;
    std::optional<std::string> rejects;
    bool dry_run = false;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
};

IfExists parse_if_exists(const std::string& value) {
    if (value == "skip") return IfExists::skip;
    if (value == "update") return IfExists::update;
    return IfExists::error;
}

const char* action_name(RegisterAction action) {
    switch (action) {
    case RegisterAction::created:
        return "created";
    case RegisterAction::updated:
        return "updated";
    case RegisterAction::skipped:
        return "skipped";
    }
    return "?";
}

SignUp sign_up_from(const RegisterOptions& o) {
    auto sign_up = o.defaults;
    if (o.verified) sign_up.verified = true;
    sign_up.email = o.email;
    sign_up.name = o.name;
    return sign_up;
}

nlohmann::json changes_json(const std::vector<FieldChange>& changes) {
    auto list = nlohmann::json::array();
    for (const auto& c : changes) {
        list.push_back(
            c.field == "password"
                ? nlohmann::json{{"field", c.field}}
                : nlohmann::json{{"field", c.field}, {"old", c.before}, {"new", c.after}});
    }
    return list;
}

// verb: "changed", or in a dry run "would change".
std::string change_text(const FieldChange& c, const std::string& verb) {
    if (c.field == "password") return verb + " the password";
    return verb + " " + c.field + ": " + c.before + " \u2192 " + c.after;
}

// The changes of an update on one line; empty when there are none.
std::string changes_text(const std::vector<FieldChange>& changes, const std::string& verb) {
    std::string text;
    for (const auto& change : changes)
        text += (text.empty() ? "" : ", ") + change_text(change, verb);
    return text;
}

// The registration in the auth database; the password is read only when
// it is needed (a new user) or given.
Registration register_in_auth_db(Database& auth, const RegistrationSchema& schema,
                                 const RegisterOptions& o, SignUp sign_up) {
    const auto irregular = IrregularEmails::load(auth);
    const bool needed = needs_password(auth, sign_up, irregular);
    sign_up.password = read_password(o.password, "Password for " + o.email + ": ", needed, true);
    if (needed && !sign_up.password)
        throw usage_error("no password for the new user: " + std::string(password_sources));
    return register_in_auth(auth, schema, prepare_sign_up(sign_up), parse_if_exists(o.if_exists),
                            irregular);
}

// What happened to the user and its Space: text lines now, the JSON
// document's start returned.
nlohmann::json render_registration(const Context& ctx, const Registration& registration) {
    nlohmann::json doc = {{"ok", true},
                          {"action", action_name(registration.action)},
                          {"userId", registration.user_id},
                          {"email", registration.email}};
    say(ctx, std::string(action_name(registration.action)) + " " + registration.email + " (user " +
                 registration.user_id + (registration.soft_deleted ? ", soft-deleted" : "") + ")");
    if (registration.action == RegisterAction::skipped) {
        doc["softDeleted"] = registration.soft_deleted;
        return doc;
    }
    if (registration.action == RegisterAction::updated) {
        doc["changes"] = changes_json(registration.changes);
        for (const auto& change : registration.changes)
            say(ctx, change_text(change, "changed"));
        if (registration.changes.empty()) say(ctx, "nothing changed");
    }
    doc["spaceId"] = registration.space_id;
    doc["spaceSlug"] = registration.space_slug;
    doc["spaceCreated"] = registration.space_created;
    say(ctx, std::string(registration.space_created ? "created" : "kept") + " personal Space " +
                 registration.space_slug + " (" + registration.space_id + ")");
    return doc;
}

Exit render_singletons(const Context& ctx, const RegisterOptions& o, const SingletonReport& report,
                       nlohmann::json& doc) {
    doc["singletons"] = nlohmann::json::object();
    std::vector<std::string> outcomes;
    for (const auto& [kind, outcome] : report.kinds) {
        doc["singletons"][kind] = outcome_token(outcome);
        outcomes.push_back(kind + " " + outcome_token(outcome));
    }
    if (!report.error) {
        say(ctx, join(outcomes));
    } else {
        doc["syncError"] = *report.error;
        doc["ok"] = !o.require_sync;
        // An error, not a warning: it must show under --quiet too.
        spdlog::error("the registration stands, but its singletons were not written: {}; "
                      "`mana-auth reconcile --all` will write them",
                      *report.error);
        say(ctx, "singletons NOT written (the sync database failed); `mana-auth reconcile --all` "
                 "repairs this");
    }
    if (ctx.global.json) emit_json(doc);
    return !report.error || !o.require_sync ? Exit::ok : Exit::failure;
}

// Where the singletons go, checked before anything is written (not
// configured is a usage error); nothing with --no-bootstrap.
RegistrationSync open_sync_unless_no_bootstrap(const Context& ctx, const RegisterOptions& o,
                                               const Catalog& catalog) {
    if (o.no_bootstrap) return {};
    return check_sync_for_registration(try_open(choose_database(DbRole::sync, ctx.global.sync_db)),
                                       catalog);
}

Exit run_single(const Context& ctx, const RegisterOptions& o) {
    const auto sign_up = sign_up_from(o);
    check_sign_up(sign_up); // bad input stops before any connection
    const auto catalog = catalog_in_force(ctx);
    // The auth side is checked before the sync side, both before any write.
    auto auth = open_auth(ctx);
    const auto schema = check_auth_for_registration(auth);
    auto sync = open_sync_unless_no_bootstrap(ctx, o, catalog);
    const auto registration = register_in_auth_db(auth, schema, o, sign_up);
    auto doc = render_registration(ctx, registration);
    // A skipped live user's singletons are finished as a sign-up's are.
    if (registration.soft_deleted || o.no_bootstrap) {
        if (ctx.global.json) emit_json(doc);
        return Exit::ok;
    }
    auto report = unwritten_singletons(catalog);
    report.error = sync.outage;
    try {
        if (sync.db)
            report = write_sign_up_singletons(auth, *sync.db, catalog, registration, false);
    } catch (const ErrorBase& e) {
        // After the commit, a lost connection too: the registration stands
        // and there is no next item to stop.
        report.error = e.what();
    }
    return render_singletons(ctx, o, report, doc);
}

// --rejects: the rows that failed, as they were read, in the input's
// format (a CSV file's header first), so that the file can be fixed and run
// again. Mode 0600, as the rows hold passwords; it appears at its path when
// the batch ends, whole. A row cut at the reader's limit cannot be given
// back: it is named instead.
class RejectsFile {
  public:
    // Refuses, before anything is read, a path the file cannot be made at.
    explicit RejectsFile(const std::string& path)
        : file_(create_output_file("--rejects", path, 0600)) {}

    void add_header(const std::string& header_text) {
        if (!header_text.empty()) write(header_text + "\n");
    }

    void add(const InputRow& row) {
        if (!row.text_whole) {
            not_kept_.push_back(row.line);
            return;
        }
        write(row.text + "\n");
        ++lines_;
    }

    // Puts the file in place; what went wrong on the way, if anything.
    std::optional<std::string> finish() {
        if (!error_) {
            try {
                file_->commit();
            } catch (const Error& e) {
                error_ = e.what();
            }
        }
        return error_;
    }

    const std::string& path() const { return file_->path(); }
    long long lines() const { return lines_; }
    const std::vector<std::size_t>& not_kept() const { return not_kept_; }

  private:
    // A write that fails ends the file, not the batch: the rows go on.
    void write(const std::string& text) {
        if (error_) return;
        try {
            file_->write(text);
        } catch (const Error& e) {
            error_ = e.what();
        }
    }

    std::unique_ptr<AtomicFile> file_;
    long long lines_ = 0;
    std::vector<std::size_t> not_kept_; // line numbers
    std::optional<std::string> error_;
};

// What a batch reported row by row, kept for the JSON document (the first
// thousand of each: the document is built in memory; --rejects keeps
// every failed row, streamed to its file).
struct BatchLog {
    nlohmann::json failures = nlohmann::json::array();
    nlohmann::json updates = nlohmann::json::array();
    std::unique_ptr<RejectsFile> rejects; // with --rejects
};

// What a dry run says of a row: each row's outcome as it would be.
std::string dry_run_text(const RowDone& row) {
    const auto user = row.created_by ? "created by line " + std::to_string(row.created_by)
                                     : "user " + row.user_id;
    switch (row.action) {
    case RegisterAction::created:
        return "would create";
    case RegisterAction::skipped:
        return "would skip (" + user + (row.soft_deleted ? ", soft-deleted" : "") + ")";
    case RegisterAction::updated:
        break;
    }
    const auto changes = changes_text(row.changes, "would change");
    return "would update (" + user + "): " + (changes.empty() ? "nothing would change" : changes);
}

// The name of the batch's progress line: "sign-ups: registering 6000/10000 60%, …".
constexpr const char* progress_name = "sign-ups";

const char* progress_step(bool dry_run) {
    return dry_run ? "checking" : "registering";
}

// total: the rows to read, 0 when not known.
BatchCallbacks batch_callbacks(const Context& ctx, BatchLog& log, ProgressDisplay& progress,
                               long long total, bool dry_run) {
    // A line on stdout takes the progress block off the terminal first
    // when they share it, as every log line does.
    const bool shared_terminal = stdout_is_terminal();
    const auto tell = [&ctx, &progress, shared_terminal](const std::string& line) {
        if (shared_terminal) progress.clear();
        say(ctx, line);
    };
    BatchCallbacks callbacks;
    callbacks.on_failure = [&log](const RowFailure& f) {
        spdlog::error("line {}: {}", f.line, f.failure.error);
        if (log.rejects) log.rejects->add(f.row);
        if (log.failures.size() < 1000) {
            log.failures.push_back(
                {{"line", f.line}, {"email", f.failure.item}, {"error", f.failure.error}});
        }
    };
    callbacks.on_row = [&log, tell, dry_run](const RowDone& row) {
        const auto prefix = "line " + std::to_string(row.line) + ": " + row.email + ": ";
        if (dry_run) tell(prefix + dry_run_text(row));
        if (row.action != RegisterAction::updated) return;
        if (!dry_run) {
            const auto changes = changes_text(row.changes, "changed");
            tell(prefix + (changes.empty() ? "nothing changed" : changes));
        }
        if (log.updates.size() < 1000) {
            log.updates.push_back(
                {{"line", row.line}, {"email", row.email}, {"changes", changes_json(row.changes)}});
        }
    };
    callbacks.on_progress = [&progress, total, dry_run](const BatchSummary& s) {
        progress.report(progress_name, progress_step(dry_run), s.rows(), total);
    };
    return callbacks;
}

// The rejects file put in place, said in text; its JSON, null without one.
nlohmann::json finish_rejects(const Context& ctx, RejectsFile* rejects) {
    if (!rejects) return nullptr;
    const auto error = rejects->finish();
    if (error) {
        spdlog::error("--rejects {}: {}; the failed lines are the ones named above",
                      rejects->path(), *error);
    } else {
        say(ctx,
            "rejects: " + std::to_string(rejects->lines()) + " failed lines in " + rejects->path());
    }
    if (!rejects->not_kept().empty()) {
        std::vector<std::string> lines;
        for (const auto line : rejects->not_kept())
            lines.push_back(std::to_string(line));
        spdlog::error("--rejects {}: line {} over {} bytes not kept: fix it in the input",
                      rejects->path(), join(lines), SignUpReader::max_row_bytes);
    }
    return {{"path", rejects->path()},
            {"lines", rejects->lines()},
            {"notKept", rejects->not_kept()},
            {"error", error ? nlohmann::json(*error) : nlohmann::json()}};
}

// The batch's counts in a line; a dry run's say what would be.
std::string batch_counts_text(const RegisterOptions& o, const BatchSummary& summary) {
    const auto n = [](long long count) { return std::to_string(count); };
    if (o.dry_run) {
        return "dry run, nothing written: would create " + n(summary.created) + ", update " +
               n(summary.updated) + ", skip " + n(summary.skipped) + "; " + n(summary.failed) +
               " would fail; singletons: " + n(summary.singletons_written) + " would be written, " +
               n(summary.singletons_present) + " already there, " +
               n(summary.singletons_not_written) + " not written";
    }
    return n(summary.created) + " created, " + n(summary.updated) + " updated, " +
           n(summary.skipped) + " skipped, " + n(summary.failed) +
           " failed; singletons: " + n(summary.singletons_written) + " written, " +
           n(summary.singletons_present) + " already there, " + n(summary.singletons_not_written) +
           " not written";
}

Exit render_batch(const Context& ctx, const RegisterOptions& o, const BatchSummary& summary,
                  const BatchLog& log) {
    const auto rejects = finish_rejects(ctx, log.rejects.get());
    const bool rejects_failed = !rejects.is_null() && !rejects["error"].is_null();
    if (summary.sync_error && o.dry_run) {
        spdlog::error("the singletons of some users could not be checked: {}", *summary.sync_error);
    } else if (summary.sync_error) {
        // An error, not a warning: it must show under --quiet too.
        spdlog::error("singletons not written for some users: {}; `mana-auth reconcile --all` "
                      "will write them",
                      *summary.sync_error);
    }
    say(ctx, batch_counts_text(o, summary) + (summary.interrupted ? " (interrupted)" : ""));
    for (const auto& half : summary.half_done) {
        spdlog::error("line {}: {} (user {}) is registered, but its singletons were not all "
                      "written: `mana-auth reconcile --all`, or this file run again with "
                      "--if-exists skip, writes them",
                      half.line, half.email, half.user_id);
    }
    if (summary.stopped) {
        spdlog::error("stopped at line {}: {}; the lines after it were not read{}",
                      summary.stopped->line, summary.stopped->error,
                      o.dry_run ? "" : ": run the file again with --if-exists skip");
    }
    // A dry run that could not check a singleton cannot say what is missing.
    const bool sync_failed = summary.sync_error && (o.require_sync || o.dry_run);
    if (ctx.global.json) {
        auto half_done = nlohmann::json::array();
        for (const auto& half : summary.half_done)
            half_done.push_back({{"line", half.line}, {"email", half.email}, {"userId", half.user_id}});
        nlohmann::json doc = {{"ok", summary.failed == 0 && !summary.interrupted && !sync_failed &&
                                         !summary.stopped && !rejects_failed},
                              {"created", summary.created},
                              {"updated", summary.updated},
                              {"skipped", summary.skipped},
                              {"failed", summary.failed},
                              {"singletons",
                               {{"written", summary.singletons_written},
                                {"present", summary.singletons_present},
                                {"notWritten", summary.singletons_not_written}}},
                              {"failures", log.failures},
                              {"updates", log.updates},
                              {"interrupted", summary.interrupted},
                              {"stopped", summary.stopped
                                              ? nlohmann::json{{"line", summary.stopped->line},
                                                               {"error", summary.stopped->error}}
                                              : nlohmann::json()},
                              {"halfDone", half_done},
                              {"rejects", rejects}};
        if (summary.sync_error) doc["syncError"] = *summary.sync_error;
        if (o.dry_run) {
            doc["dryRun"] = true;
            doc["wouldWrite"] = summary.would_write;
        }
        emit_json(doc);
    }
    if (summary.stopped) return Exit::failure;
    if (summary.interrupted) return exit_after_stop(Exit::partial);
    // Lines that fail come before what the others would write, as the real
    // run's exit would say.
    if (summary.failed > 0 && !rejects_failed)
        return summary.failed == summary.rows() ? Exit::failure : Exit::partial;
    if (sync_failed || rejects_failed) return Exit::failure;
    return o.dry_run && summary.would_write ? Exit::drift : Exit::ok;
}

// The batch against both databases, each checked before anything is read;
// a dry run's checks are those that read only. total: the rows to read.
BatchSummary run_batch_on(const Context& ctx, const RegisterOptions& o, SignUpReader& reader,
                          long long total, BatchLog& log) {
    const BatchOptions options{parse_if_exists(o.if_exists), !o.no_bootstrap, o.jobs,
                               catalog_in_force(ctx)};
    auto auth = open_auth(ctx);
    // Once the databases are checked: the progress starts at the first row.
    const auto run = [&](const std::function<BatchSummary(const BatchCallbacks&)>& batch) {
        install_stop_handlers();
        ProgressDisplay progress(stderr_is_terminal() && !ctx.global.quiet && !ctx.global.json);
        progress.report(progress_name, progress_step(o.dry_run), 0, total);
        return batch(batch_callbacks(ctx, log, progress, total, o.dry_run));
    };
    if (o.dry_run) {
        check_auth_for_dry_run(auth);
        std::unique_ptr<Database> sync;
        if (!o.no_bootstrap) {
            sync = std::make_unique<Database>(open_sync(ctx));
            check_sync_for_dry_run(*sync);
        }
        return run([&](const BatchCallbacks& callbacks) {
            return dry_run_batch(auth, sync.get(), reader, options, callbacks);
        });
    }
    const auto schema = check_auth_for_registration(auth);
    auto sync = open_sync_unless_no_bootstrap(ctx, o, options.catalog);
    return run([&](const BatchCallbacks& callbacks) {
        return register_batch(auth, schema, sync, reader, options, callbacks);
    });
}

// The rows --from will give, for the progress's total and time left: a
// regular file is counted first, in a pass that parses nothing (0.1 s at
// 100,000 lines); stdin or a pipe can be read only once: 0, not known.
long long rows_to_read(const RegisterOptions& o, InputFormat format) {
    if (*o.from == "-" || !std::filesystem::is_regular_file(*o.from)) return 0;
    std::ifstream file(*o.from, std::ios::binary);
    return static_cast<long long>(SignUpReader::count_rows(file, format));
}

Exit run_batch(const Context& ctx, const RegisterOptions& o) {
    if (o.password.from_stdin || o.password.file) {
        throw usage_error("--password-stdin and --password-file do not go with --from: "
                          "give each row a password or password_hash");
    }
    BatchLog log;
    if (o.rejects) log.rejects = std::make_unique<RejectsFile>(*o.rejects);
    std::ifstream file;
    if (*o.from != "-") {
        require_readable_file("--from", *o.from);
        file.open(*o.from, std::ios::binary);
        if (!file) throw usage_error("cannot read --from " + *o.from);
    }
    std::istream& in = *o.from == "-" ? std::cin : file;
    const auto format = o.format ? (*o.format == "csv" ? InputFormat::csv : InputFormat::jsonl)
                                 : format_for_path(*o.from);
    SignUpReader reader(in, format, sign_up_from(o));
    if (log.rejects) log.rejects->add_header(reader.header_text());
    const auto summary = run_batch_on(ctx, o, reader, rows_to_read(o, format), log);
    return render_batch(ctx, o, summary, log);
}

Exit run(const Context& ctx, const RegisterOptions& o) {
    refuse_password_on_argv(o.password);
    if (o.from) return run_batch(ctx, o);
    if (o.email.empty()) throw usage_error("register: give EMAIL or --from FILE");
    return run_single(ctx, o);
}

void add_register_options(CLI::App& cmd, RegisterOptions& o) {
    auto* email = cmd.add_option("EMAIL", o.email, "The new user's email")->group(behaviour_group);
    cmd.add_option("--name", o.name, "Display name (default: the email's local part)")
        ->type_name("NAME")
        ->group(behaviour_group);
    cmd.add_option("--tier", o.defaults.tier, "Access tier (default: public)")
        ->type_name("TIER")
        ->check(CLI::IsMember(tiers))
        ->group(behaviour_group);
    cmd.add_option("--role", o.defaults.role, "Role (default: user)")
        ->type_name("ROLE")
        ->check(CLI::IsMember(roles))
        ->group(behaviour_group);
    cmd.add_option("--kind", o.defaults.kind, "Kind (default: human)")
        ->type_name("KIND")
        ->check(CLI::IsMember(user_kinds))
        ->group(behaviour_group);
    cmd.add_flag("--verified", o.verified, "Mark the email as verified")->group(behaviour_group);
    cmd.add_option(
           "--if-exists", o.if_exists,
           "An email already registered: error (exit 5), skip, or update (only the name, tier, "
           "role, kind, --verified and password given here change). A soft-deleted user is never "
           "updated (exit 5)")
        ->type_name("WHAT")
        ->check(CLI::IsMember({"error", "skip", "update"}))
        ->group(behaviour_group);
    cmd.add_flag("--no-bootstrap", o.no_bootstrap, "Do not write the singletons")
        ->group(behaviour_group);
    cmd.add_flag("--require-sync", o.require_sync,
                 "Exit 1 when the singletons cannot be written (the registration stays)")
        ->group(behaviour_group);
    add_password_options(cmd, o.password, behaviour_group);
    auto* from = cmd.add_option("--from", o.from,
                                "Register every user of FILE, JSON Lines or CSV ('-': stdin)")
                     ->type_name("FILE")
                     ->excludes(email)
                     ->group(behaviour_group);
    cmd.add_option("--rejects", o.rejects,
                   "Write the lines of --from that failed to FILE, as they were (a CSV file's "
                   "header first; mode 0600), to fix and run again")
        ->type_name("FILE")
        ->needs(from)
        ->group(behaviour_group);
    cmd.add_flag("--dry-run", o.dry_run,
                 "Say what each line of --from would do (create, update and what, skip, or fail "
                 "and why), against the databases and the lines before it; write nothing, hash "
                 "nothing. Exit 3 or 1 when lines would fail, as the real run; else 10 when "
                 "anything would be written, 0 when nothing would")
        ->needs(from)
        ->group(behaviour_group);
    cmd.add_option("--format", o.format, "Format of --from (default: csv for *.csv, else jsonl)")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"jsonl", "csv"}))
        ->group(behaviour_group);
    cmd.add_option("--jobs", o.jobs, "Hashing threads for --from (default: every core)")
        ->type_name("N")
        ->check(CLI::Range(1u, 256u))
        ->group(behaviour_group);
}

} // namespace

void set_register_command(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<RegisterOptions>();
    auto* cmd = app.add_subcommand(
        "register",
        "Create users exactly as the service's sign-up does, then write their singletons");
    add_shared_options(*cmd, ctx.global, true);
    add_register_options(*cmd, *o);
    set_help_footer(
        *cmd,
        {"  mana-auth register ada@example.com --tier founder --role admin --verified  # prompts\n"
         "  printf '%s' \"$PW\" | mana-auth register ada@example.com --password-stdin\n"
         "  mana-auth register --from founders.jsonl --if-exists update\n"
         "  mana-auth register --from users.csv --json > report.json\n"
         "  mana-auth register --from users.csv --if-exists update --dry-run  # what it would do\n"
         "  mana-auth register --from users.csv --rejects rejects.csv  # fix them, then:\n"
         "  mana-auth register --from rejects.csv --if-exists skip\n",
         {Exit::ok, Exit::failure, Exit::usage, Exit::partial, Exit::already_exists, Exit::drift,
          Exit::interrupted, Exit::terminated},
         registration_environment,
         connection_files,
         "Registers one user (EMAIL), or every user of a JSON Lines or CSV file (--from), as "
         "the service's sign-up does: the user, its credential account with the password hashed "
         "as Better Auth hashes it, its personal Space and membership, in one transaction of the "
         "auth database; then the singletons of the user and its Space in the sync database.\n"
         "The password comes from MANA_AUTH_PASSWORD, --password-stdin, --password-file or a "
         "prompt, never from the command line. An email already registered is exit 5 unless "
         "--if-exists says skip or update.\n"
         "When the sync database fails, the registration stands and says so; `mana-auth "
         "reconcile --all` writes the singletons later (--require-sync makes that exit 1)."});
    cmd->callback([&ctx, o] { ctx.action = [&ctx, o] { return run(ctx, *o); }; });
}

} // namespace mana::cli
