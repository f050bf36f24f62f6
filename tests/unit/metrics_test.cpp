#include "jobs/metrics.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <regex>
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
    // build_info, 4 of the run, 5 + 5 counts of the kinds (one missing not
    // known, one duplicate count not known), orphans.
    CHECK(samples == 1 + 4 + 10 + 1);
    const auto text_of_run = reconcile_metrics(run);
    CHECK_THAT(text_of_run, Catch::Contains("mana_auth_reconcile_duplicate_items{scope=\"since\","
                                            "kind=\"kontextDoc\"} 2\n"));
    CHECK_THAT(text_of_run, Catch::Contains("mana_auth_reconcile_missing_items{scope=\"since\","
                                            "kind=\"userContext\"} 3\n"));
    CHECK_THAT(text_of_run, !Catch::Contains("_missing_items{scope=\"since\",kind=\"kontextDoc\""));
}

TEST_CASE("each family holds one number, by kind only, so that its series may be summed") {
    ReconcileResult result;
    result.kinds = {{"userContext", Scope::user, false, {}, 0, {}},
                    {"userPrefs", Scope::user, false, {}, 0, {}}};
    for (auto& kind : result.kinds) {
        kind.counts.scanned = 10;
        kind.counts.missing = 4;
        kind.counts.written = 4;
    }
    RunMetrics run;
    run.result = result;
    run.success = true;
    std::istringstream text(reconcile_metrics(run));
    std::string family;
    std::map<std::string, int> series;
    for (std::string line; std::getline(text, line);) {
        if (line.rfind("# TYPE ", 0) == 0) {
            family = line.substr(7, line.find(' ', 7) - 7);
            CHECK(series.count(family) == 0); // declared once
            series[family] = 0;
            continue;
        }
        if (line.rfind("# ", 0) == 0) continue;
        INFO(line);
        CHECK(line.rfind(family + "{", 0) == 0); // each sample under its family
        CHECK(line.find("state=") == std::string::npos);
        ++series[family];
    }
    for (const auto* name :
         {"scanned_items", "pending_items", "missing_items", "written_items", "failed_items"})
        CHECK(series["mana_auth_reconcile_" + std::string(name)] == 2);
    CHECK(series.count("mana_auth_reconcile_duplicate_items") == 0); // not counted: absent
    CHECK(series["mana_auth_build_info"] == 1);
    const std::regex build_info(R"re(\nmana_auth_build_info\{scope="all",version="[0-9.]+",)re"
                                R"re(commit="([0-9a-f]{12}(-dirty)?|unknown)"\} 1\n)re");
    CHECK(std::regex_search(reconcile_metrics(run), build_info));
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
