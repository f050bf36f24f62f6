// mana-auth reconcile --all: converge every user and Space, from cron or by
// hand; --check and --dry-run for monitoring and for a look first.
#include "common.hpp"
#include "jobs/metrics.hpp"
#include "jobs/reconcile.hpp"
#include "option_values.hpp"
#include "pg/lock_keys.hpp"
#include "progress.hpp"
#include "signals.hpp"
#include "util/atomic_file.hpp"
#include "util/logging.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <limits>
#include <spdlog/spdlog.h>
#include <sstream>
#include <tuple>

namespace mana::cli {
namespace {

struct ReconcileFlags {
    bool all = false;
    bool dry_run = false;
    bool check = false;
    bool users_only = false;
    bool spaces_only = false;
    std::optional<std::string> shard; // given empty (an unset variable) is a usage error
    std::optional<std::string> since;
    std::optional<std::string> until;
    std::optional<std::string> min_age;
    std::optional<std::string> max_writes;
    std::optional<long long> max_rate;
    std::optional<std::string> max_lag;
    long long batch_size = 5000;
    bool wait = false;
    bool pooled_session_ok = false;
    std::size_t list = 20;
    std::optional<std::string> metrics_file;
};

// "K/N" with 1 <= K <= N <= the number of lock buckets.
std::pair<int, int> parse_shard(const std::string& text) {
    int k = 0, n = 0;
    char slash = 0, extra = 0;
    std::istringstream in(text);
    if (!(in >> k >> slash >> n) || slash != '/' || (in >> extra) || k < 1 || n < 1 || k > n ||
        n > lock_bucket_count) {
        throw usage_error("--shard must be K/N with 1 <= K <= N <= " +
                          std::to_string(lock_bucket_count) + " (got '" + text + "')");
    }
    return {k - 1, n};
}

nlohmann::json failure_lines(const std::vector<ItemFailure>& failures) {
    auto lines = nlohmann::json::array();
    for (const auto& failure : failures)
        lines.push_back(failure_line(failure));
    return lines;
}

nlohmann::json kind_json(const KindCounts& c) {
    return {{"scanned", c.scanned},
            {"pending", c.pending},
            {"missing", c.missing ? nlohmann::json(*c.missing) : nlohmann::json()},
            {"written", c.written},
            {"failed", c.failed},
            {"missingSample", c.missing_sample},
            {"oldestMissingSeconds", c.oldest_missing_seconds
                                         ? nlohmann::json(*c.oldest_missing_seconds)
                                         : nlohmann::json()},
            {"duplicates", c.duplicates ? nlohmann::json(*c.duplicates) : nlohmann::json()},
            {"duplicateSample", c.duplicate_sample}};
}

// The counts of the kind of that name; none counted when the run had none
// such (not in the catalog, or its scope not asked), as before catalogs.
nlohmann::json named_kind_json(const ReconcileResult& r, const CatalogKind& kind) {
    const auto* found = kind_named(r, kind.name);
    return kind_json(found ? found->counts : KindCounts{});
}

// Every kind, by name: its counts, scope and whether it is retired.
nlohmann::json kinds_json(const ReconcileResult& r) {
    auto kinds = nlohmann::json::object();
    for (const auto& kind : r.kinds) {
        auto counts = kind_json(kind.counts);
        counts["scope"] = kind.scope == Scope::user ? "user" : "space";
        counts["retired"] = kind.retired;
        kinds[kind.name] = counts;
    }
    return kinds;
}

std::string kind_text(const KindResult& kind, bool write) {
    const auto& c = kind.counts;
    if (kind.retired)
        return kind.name + " (retired, never written): " + std::to_string(c.scanned) + " scanned";
    std::string line = kind.name + ": " + std::to_string(c.scanned) + " scanned, " +
                       (c.missing ? std::to_string(*c.missing) + " missing" : "missing not known");
    if (write) line += ", " + std::to_string(c.written) + " written";
    if (c.failed) line += ", " + std::to_string(c.failed) + " failed";
    if (c.oldest_missing_seconds)
        line += "; the oldest missing created " + std::to_string(*c.oldest_missing_seconds) +
                " s ago";
    return line;
}

std::string list(const std::vector<std::string>& ids, long long total) {
    auto out = join(ids);
    if (static_cast<long long>(ids.size()) < total) out += ", ...";
    return out;
}

// The --metrics-file of one run, written once: by the run when it has
// counted, else (failed, refused) on the way out.
class MetricsFile {
  public:
    // Refuses, before the run, a path the file cannot be written at.
    MetricsFile(const std::optional<std::string>& path, std::string scope)
        : path_(path), scope_(std::move(scope)) {
        if (!path_) return;
        try {
            check_file_writable(*path_);
        } catch (const Error& e) {
            throw usage_error("--metrics-file " + *path_ + ": " + e.what());
        }
    }

    void record(const std::optional<ReconcileResult>& result, bool success) {
        if (!path_ || recorded_) return;
        recorded_ = true;
        RunMetrics m;
        m.scope = scope_;
        m.result = result;
        m.success = success;
        m.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
        m.finished_at = std::time(nullptr);
        m.last_success = success ? m.finished_at : last_success_in(earlier_text());
        write_file_atomically(*path_, reconcile_metrics(m));
    }
    bool recorded() const { return recorded_; }

  private:
    std::string earlier_text() const {
        std::ifstream in(*path_, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }

    std::optional<std::string> path_;
    std::string scope_;
    bool recorded_ = false;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

ReconcileOptions reconcile_options(const ReconcileFlags& f) {
    if (!f.all) throw usage_error("reconcile: pass --all (every user and Space)");
    ReconcileOptions options;
    options.write = !f.dry_run && !f.check;
    options.users = !f.spaces_only;
    options.spaces = !f.users_only;
    if (f.shard) std::tie(options.shard, options.shards) = parse_shard(*f.shard);
    if (f.until && !f.since)
        throw usage_error("--until needs --since: the window is [since, until)");
    if (f.since) options.since = parse_moment("--since", *f.since);
    if (f.until) options.until = parse_moment("--until", *f.until);
    if (f.min_age) options.min_age_seconds = parse_duration("--min-age", *f.min_age);
    // What bounds, paces or holds back writes means nothing to a look.
    const std::tuple<bool, const char*, const char*> about_writes[] = {
        {f.max_writes.has_value(), "--max-writes", "bounds"},
        {f.max_rate.has_value(), "--max-rate", "paces"},
        {f.max_lag.has_value(), "--max-lag", "waits before"}};
    for (const auto& [given, flag, does] : about_writes) {
        if (given && !options.write) {
            throw usage_error(std::string(flag) + " " + does +
                              " what a run writes; --check and --dry-run write nothing");
        }
    }
    if (f.max_writes) options.max_writes = parse_write_bound(*f.max_writes);
    options.max_rate = f.max_rate;
    if (f.max_lag) options.max_lag_seconds = parse_duration("--max-lag", *f.max_lag);
    options.batch_size = f.batch_size;
    options.wait_for_lock = f.wait;
    options.pooled_session_ok = f.pooled_session_ok;
    options.sample_size = f.list;
    return options;
}

// Stopped and failed runs did less than asked; a look that found drift says so.
Exit exit_of(const ReconcileResult& r, const ReconcileOptions& options) {
    if (r.interrupted) return exit_after_stop(Exit::partial);
    if (r.refused) return Exit::max_writes;
    if (total_failed(r) > 0) return Exit::partial;
    if (!options.write && total_missing(r) > 0) return Exit::drift;
    return Exit::ok;
}

nlohmann::json refusal_json(const std::optional<Refusal>& refusal) {
    if (!refusal) return nullptr;
    return {{"wouldWrite", refusal->would_write},
            {"maxWrites", refusal->bound},
            {"lookedAt", refusal->looked_at}};
}

// The one line of a refusal by --max-writes.
std::string refusal_line(const Refusal& refusal, const WriteBound& bound) {
    const auto of = bound.basis_points < 0
                        ? std::string()
                        : " (" + std::to_string(refusal.bound) + " of the " +
                              std::to_string(refusal.looked_at) + " users and Spaces looked at)";
    return "reconcile would write " + std::to_string(refusal.would_write) +
           " singletons, over --max-writes " + bound.text + of +
           ": nothing written; is the sync database the right one, and its change log whole? "
           "A deliberate backfill runs without --max-writes";
}

void render_json(const ReconcileResult& r, const char* mode, Exit exit,
                 const std::optional<std::string>& metrics_error) {
    emit_json({{"ok", exit == Exit::ok},
               {"mode", mode},
               {"refused", r.refused ? nlohmann::json("max-writes") : nlohmann::json()},
               {"maxWrites", refusal_json(r.refused)},
               {"since", r.since ? nlohmann::json(*r.since) : nlohmann::json()},
               {"until", r.until ? nlohmann::json(*r.until) : nlohmann::json()},
               {"users", named_kind_json(r, builtin_user_context())},
               {"spaces", named_kind_json(r, builtin_kontext_doc())},
               {"kinds", kinds_json(r)},
               {"softDeletedUsers", r.soft_deleted_users},
               {"orphans", r.orphans},
               {"orphanSample", r.orphan_sample},
               {"failures", failure_lines(r.failures)},
               {"itemByItem", r.item_by_item},
               {"interrupted", r.interrupted},
               {"seconds", r.seconds},
               {"metricsError", metrics_error ? nlohmann::json(*metrics_error) : nlohmann::json()},
               {"exitCode", static_cast<int>(exit)}});
}

void render_text(const Context& ctx, const ReconcileFlags& f, const ReconcileOptions& options,
                 const ReconcileResult& r, Exit exit) {
    if (r.since) {
        say(ctx, "new since " + *r.since + (r.until ? " until " + *r.until : "") +
                     ": users created, Spaces created or joined " +
                     (r.until ? "in that window" : "since then"));
    }
    const auto users = scope_counts(r, Scope::user);
    const auto spaces = scope_counts(r, Scope::space);
    if (users.pending + spaces.pending > 0) {
        say(ctx, "pending (younger than --min-age " + *f.min_age +
                     ", left to a later run): " + std::to_string(users.pending) + " users, " +
                     std::to_string(spaces.pending) + " Spaces");
    }
    for (const auto& kind : r.kinds)
        say(ctx, kind_text(kind, options.write));
    if (f.dry_run) {
        for (const auto& kind : r.kinds) {
            const auto& counts = kind.counts;
            if (!counts.missing_sample.empty())
                say(ctx, "missing " + kind.name + ": " +
                             list(counts.missing_sample,
                                  counts.missing.value_or(std::numeric_limits<long long>::max())));
        }
    }
    for (const auto& kind : r.kinds) {
        const auto& counts = kind.counts;
        if (counts.duplicates.value_or(0) > 0)
            say(ctx, kind.name + " written more than once (reported, not retracted): " +
                         std::to_string(*counts.duplicates) + " (" +
                         list(counts.duplicate_sample, *counts.duplicates) + ")");
    }
    if (r.orphans)
        say(ctx, "orphan Spaces (no live member, not written): " + std::to_string(r.orphans) +
                     " (" + list(r.orphan_sample, r.orphans) + ")");
    for (const auto& failure : r.failures)
        spdlog::error("{}", failure_line(failure));
    if (r.refused) {
        spdlog::error("{}", refusal_line(*r.refused, *options.max_writes));
        return;
    }
    say(ctx, std::string(r.interrupted ? "interrupted after " : "done in ") +
                 fmt::format("{:.1f}", r.seconds) + " s" +
                 (exit == Exit::drift ? " (drift: exit 10)" : ""));
}

// The line a run under systemd ends with, --quiet or not: what it did of
// each kind, and its exit code; the same as fields for the JSON log format.
void summarise_to_journal(const ReconcileResult& r, const char* mode, Exit exit) {
    auto line =
        fmt::format("reconcile {}: exit {} in {:.1f} s", mode, static_cast<int>(exit), r.seconds);
    auto kinds = nlohmann::json::object();
    for (const auto& kind : r.kinds) {
        const auto& c = kind.counts;
        line += fmt::format("; {}: {} missing, {} written, {} pending, {} failed", kind.name,
                            c.missing ? std::to_string(*c.missing) : "?", c.written, c.pending,
                            c.failed);
        kinds[kind.name] = {{"missing", c.missing ? nlohmann::json(*c.missing) : nullptr},
                            {"written", c.written},
                            {"pending", c.pending},
                            {"failed", c.failed}};
    }
    journal_summary(line, {{"mode", mode},
                           {"exitCode", static_cast<int>(exit)},
                           {"seconds", r.seconds},
                           {"kinds", kinds}});
}

// A scope asked for alone that the catalog has no kind of would be a run
// that looks at nothing and says it converged: a wrong catalog, by name.
void refuse_scope_without_kinds(const ReconcileFlags& f, const Catalog& catalog) {
    if (!f.users_only && !f.spaces_only) return;
    const auto scope = f.users_only ? Scope::user : Scope::space;
    const auto of_scope = [scope](const CatalogKind& kind) { return kind.scope == scope; };
    if (std::any_of(catalog.kinds.begin(), catalog.kinds.end(), of_scope)) return;
    throw usage_error(std::string(f.users_only ? "--users-only" : "--spaces-only") +
                      ": the catalog " + catalog.source + " has no " +
                      (f.users_only ? "user" : "Space") +
                      " kind, so nothing would be reconciled; check --catalog and "
                      "MANA_AUTH_CATALOG");
}

Exit converge(const Context& ctx, const ReconcileFlags& f, MetricsFile& metrics) {
    auto options = reconcile_options(f);
    options.catalog = catalog_in_force(ctx);
    refuse_scope_without_kinds(f, options.catalog);
    auto [auth, sync] = open_both(ctx);
    install_stop_handlers();
    ProgressDisplay progress(stderr_is_terminal() && !ctx.global.quiet && !ctx.global.json);
    const auto r =
        reconcile(auth, sync, options,
                  [&progress](const std::string& kind, const char* step, long long done,
                              long long total) { progress.report(kind, step, done, total); });
    progress.clear();
    auto exit = exit_of(r, options);
    // The run's result is reported whatever becomes of its metrics; a run
    // that did all it was asked but leave them says so by its exit code.
    std::optional<std::string> metrics_error;
    try {
        metrics.record(r, exit == Exit::ok || exit == Exit::drift);
    } catch (const Error& e) {
        metrics_error = "--metrics-file: " + std::string(e.what());
        if (exit == Exit::ok) exit = Exit::failure;
    }
    const char* mode = f.check ? "check" : f.dry_run ? "dry-run" : "write";
    if (ctx.global.json)
        render_json(r, mode, exit, metrics_error);
    else
        render_text(ctx, f, options, r, exit);
    if (metrics_error) spdlog::error("{}", *metrics_error);
    summarise_to_journal(r, mode, exit);
    return exit;
}

// Every run leaves its metrics, failed and refused ones included:
// monitoring must not stay green while cron fails.
Exit run(const Context& ctx, const ReconcileFlags& f) {
    MetricsFile metrics(f.metrics_file, f.since ? "since" : "all");
    try {
        return converge(ctx, f, metrics);
    } catch (...) {
        if (!metrics.recorded()) {
            try {
                metrics.record(std::nullopt, false);
            } catch (const Error& e) {
                spdlog::error("{}", e.what()); // the run's own error follows
            }
        }
        throw;
    }
}

} // namespace

void set_reconcile_command(CLI::App& app, Context& ctx) {
    auto f = std::make_shared<ReconcileFlags>();
    auto* cmd = app.add_subcommand(
        "reconcile", "Write every missing singleton of every live user and Space, in batches");
    add_shared_options(*cmd, ctx.global, true);
    cmd->add_flag("--all", f->all, "Every live user and Space (required)")->group(behaviour_group);
    auto* check = cmd->add_flag("--check", f->check,
                                "Count only, write nothing: exit 0 when converged, 10 on drift")
                      ->group(behaviour_group);
    cmd->add_flag("--dry-run", f->dry_run,
                  "Count and list what is missing, write nothing (exit 10 if anything is)")
        ->excludes(check)
        ->group(behaviour_group);
    auto* users_only =
        cmd->add_flag("--users-only", f->users_only,
                      "Only the user kinds of the catalog (built in: the userContext of each user)")
            ->group(behaviour_group);
    cmd->add_flag("--spaces-only", f->spaces_only,
                  "Only the Space kinds of the catalog (built in: the kontextDoc of each Space)")
        ->excludes(users_only)
        ->group(behaviour_group);
    cmd->add_option("--shard", f->shard, "This worker's share: K of N (by a stable hash of the id)")
        ->type_name("K/N")
        ->group(behaviour_group);
    cmd->add_option("--since", f->since,
                    "Only the users created and the Spaces created or joined since WHEN: a span "
                    "before now (15m, 2h, 1d) or an ISO-8601 time with its zone")
        ->type_name("WHEN")
        ->group(behaviour_group);
    cmd->add_option("--until", f->until,
                    "With --since, only what was created or joined before WHEN (as --since), "
                    "e.g. the end of a sync outage")
        ->type_name("WHEN")
        ->group(behaviour_group);
    cmd->add_option("--min-age", f->min_age,
                    "Leave users and Spaces created less than DURATION ago (30s, 1m, ...) to a "
                    "later run, counted as pending (the service may still be writing theirs); "
                    "default 0")
        ->type_name("DURATION")
        ->group(behaviour_group);
    cmd->add_option("--max-writes", f->max_writes,
                    "When the run would write more singletons than N, or than P% of the users "
                    "and Spaces it looks at, it writes none and exits 7 (a guard for unattended "
                    "runs against an empty or restored sync database)")
        ->type_name("N|P%")
        ->group(behaviour_group);
    cmd->add_option("--max-rate", f->max_rate,
                    "The run's writes average no more than this many rows a second (smaller "
                    "batches, waits between them), so a backfill does not flood the change log, "
                    "its replicas and every client's next pull")
        ->type_name("ROWS_PER_SECOND")
        ->check(CLI::Range(1LL, 100000000LL))
        ->group(behaviour_group);
    cmd->add_option("--max-lag", f->max_lag,
                    "Before each batch, wait while a streaming standby of the sync database is "
                    "further behind than DURATION (5s, 1m, ...; the sync role needs pg_monitor)")
        ->type_name("DURATION")
        ->group(behaviour_group);
    cmd->add_option("--batch-size", f->batch_size, "Rows per committed batch (default: 5000)")
        ->type_name("ROWS")
        ->check(CLI::Range(1LL, 1000000LL))
        ->group(behaviour_group);
    cmd->add_flag("--wait", f->wait, "Wait for a running reconcile instead of exiting 6")
        ->group(behaviour_group);
    cmd->add_flag("--pooled-session-ok", f->pooled_session_ok,
                  "The sync database's pooler keeps one server session per client (session "
                  "mode): reconcile may run through it")
        ->group(connection_group);
    cmd->add_option("--list", f->list,
                    "How many ids to list of what is missing or orphaned (default: 20)")
        ->type_name("N")
        ->check(CLI::Range(0, 1000000))
        ->group(output_group);
    cmd->add_option("--metrics-file", f->metrics_file,
                    "Write Prometheus metrics to FILE (atomically) for node_exporter's textfile "
                    "collector")
        ->type_name("FILE")
        ->group(output_group);
    set_help_footer(
        *cmd,
        {"  mana-auth reconcile --all --dry-run              # what is missing, nothing written\n"
         "  mana-auth reconcile --all                        # write it\n"
         "  mana-auth reconcile --all --check --quiet || alert   # 10 = drift\n"
         "  mana-auth reconcile --all --shard 2/4            # worker 2 of 4\n"
         "  mana-auth reconcile --all --since 2026-11-25T03:10:00Z --until 2026-11-25T04:40:00Z "
         "--max-rate 2000 --max-lag 10s\n"
         "                        # an outage's backfill, paced, waiting for the replicas\n"
         "  # the recommended crontab (README): what is new each minute, everything hourly\n"
         "  * * * * *   mana-auth reconcile --all --since 15m --min-age 1m --max-writes 1000 "
         "--wait --quiet --metrics-file /var/lib/node_exporter/textfile/mana_auth_since.prom\n"
         "  17 * * * *  mana-auth reconcile --all --min-age 1m --max-writes 5\\% --wait --quiet "
         "--metrics-file /var/lib/node_exporter/textfile/mana_auth.prom\n"
         "  systemctl enable --now mana-auth-reconcile.timer mana-auth-reconcile-since.timer\n"
         "                        # the same pair, as packaged\n",
         {Exit::ok, Exit::failure, Exit::usage, Exit::partial, Exit::locked, Exit::max_writes,
          Exit::drift, Exit::interrupted, Exit::terminated},
         connection_environment,
         [] {
             auto files = connection_files;
             files.push_back("/run/mana-auth/mana_auth.prom");
             files.push_back("/run/mana-auth/mana_auth_since.prom");
             return files;
         }(),
         "Converges every live user and Space on its singletons: it reads the ids from the auth "
         "database, finds those whose rows the sync database's change log lacks, and writes "
         "them in committed batches, exactly once beside other runs, bootstraps and the "
         "service's own writes. A role bound by row-level security works item by item.\n"
         "--check and --dry-run only count (exit 10 on drift). --since and --until restrict a "
         "run to what is new or to an outage's window; --min-age leaves the newest to the "
         "service; --max-writes refuses a run that would write more than a bound (exit 7); "
         "--max-rate and --max-lag pace a backfill. One run at a time holds the run lock "
         "(exit 6; --wait queues behind it); SIGINT and SIGTERM stop it after its batch.\n"
         "Every run, failed and refused ones included, leaves its metrics with --metrics-file "
         "(METRICS below); under systemd every run ends with one summary line in the journal.",
         reconcile_metric_families()});
    cmd->callback([&ctx, f] { ctx.action = [&ctx, f] { return run(ctx, *f); }; });
}

} // namespace mana::cli
