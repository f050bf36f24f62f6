#include "jobs/metrics.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace mana;

TEST_CASE("every series of a run's metrics carries its scope") {
    ReconcileResult result;
    result.kinds = {{"userContext", Scope::user, false, {}, 0, {}},
                    {"kontextDoc", Scope::space, false, {}, 0, {}}};
    result.kinds[0].counts.missing = 3;
    result.kinds[1].counts.duplicates = 2;
    RunMetrics run;
    run.scope = "since";
    run.result = result;
    run.success = true;
    run.finished_at = 1700000000;
    run.last_success = 1700000000;
    std::istringstream text(reconcile_metrics(run));
    int samples = 0;
    for (std::string line; std::getline(text, line);) {
        if (line.rfind("# ", 0) == 0) continue;
        INFO(line);
        CHECK(line.find("{scope=\"since\"") != std::string::npos);
        ++samples;
    }
    CHECK(samples == 4 + 10 + 1); // 4 of the run, 5 + 5 items (one duplicate, one missing), orphans
    CHECK_THAT(reconcile_metrics(run),
               Catch::Contains("mana_auth_reconcile_items{scope=\"since\",kind=\"kontextDoc\","
                               "state=\"duplicate\"} 2\n"));
}

TEST_CASE("last_success_in reads the last good run's time, labelled or from an older file") {
    CHECK(last_success_in("# HELP x\nmana_auth_reconcile_last_success_timestamp_seconds"
                          "{scope=\"all\"} 1700000000\n") == 1700000000);
    CHECK(last_success_in("mana_auth_reconcile_last_success_timestamp_seconds 1600000000\n") ==
          1600000000);
    CHECK_FALSE(last_success_in("mana_auth_reconcile_success{scope=\"all\"} 0\n"));
    CHECK_FALSE(
        last_success_in("mana_auth_reconcile_last_success_timestamp_seconds{scope=\"all\""));
    CHECK_FALSE(last_success_in("mana_auth_reconcile_last_success_timestamp_seconds garbage\n"));
}

TEST_CASE("the last success is there from the first run on, 0 until a run succeeds") {
    RunMetrics run;
    run.scope = "all";
    run.finished_at = 1700000000;
    CHECK_THAT(
        reconcile_metrics(run),
        Catch::Contains("\nmana_auth_reconcile_last_success_timestamp_seconds{scope=\"all\"} 0\n"));
    CHECK(last_success_in(reconcile_metrics(run)) == std::time_t{0});
    run.last_success = 1600000000;
    CHECK_THAT(
        reconcile_metrics(run),
        Catch::Contains("\nmana_auth_reconcile_last_success_timestamp_seconds{scope=\"all\"} "
                        "1600000000\n"));
}
