#include "option_values.hpp"

#include "util/error.hpp"
#include "util/text.hpp"

#include <ctime>
#include <regex>

namespace mana::cli {
namespace {

// Longer ago than any platform has run: "everything" is said by leaving
// --since out, and a span this long is a slip of the keyboard.
constexpr long long longest_span = 100LL * 366 * 86400;

// A span: a whole number (at most nine digits) of s, m, h or d, in seconds.
std::optional<long long> span_seconds(const std::string& text) {
    static const std::regex span(R"(([0-9]{1,9})([smhd]))");
    std::smatch m;
    if (!std::regex_match(text, m, span)) return std::nullopt;
    const long long unit = m[2] == "s" ? 1 : m[2] == "m" ? 60 : m[2] == "h" ? 3600 : 86400;
    return std::stoll(m[1]) * unit;
}

} // namespace

Moment parse_moment(const std::string& flag, const std::string& when) {
    // Any number of fractional digits, as PostgreSQL takes them (rounded to
    // the microsecond); the zone as Z, +hh, +hhmm or +hh:mm.
    static const std::regex timestamp(
        R"(([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(:([0-9]{2})(\.[0-9]+)?)?)"
        R"((Z|[+-]([0-9]{2}):?([0-9]{2})?))");
    std::smatch m;
    if (const auto span = span_seconds(when)) {
        if (*span == 0)
            throw usage_error(flag + " " + printable(when) + " is no span: give at least 1");
        if (*span > longest_span) {
            throw usage_error(flag + " " + printable(when) +
                              " reaches back more than 100 years: to converge everything, "
                              "leave --since and --until out");
        }
        return {std::nullopt, *span};
    }
    if (std::regex_match(when, m, timestamp)) {
        std::tm tm{};
        tm.tm_year = std::stoi(m[1]) - 1900, tm.tm_mon = std::stoi(m[2]) - 1;
        tm.tm_mday = std::stoi(m[3]), tm.tm_hour = std::stoi(m[4]), tm.tm_min = std::stoi(m[5]);
        tm.tm_sec = m[7].matched ? std::stoi(m[7]) : 0;
        std::tm normalised = tm;
        const auto seconds = timegm(&normalised);
        // timegm carries an impossible field into the next (Feb 30 into
        // March); the calendar has no year 0.
        if (seconds == -1 || tm.tm_year < 1 - 1900 || normalised.tm_mday != tm.tm_mday ||
            normalised.tm_mon != tm.tm_mon || normalised.tm_hour != tm.tm_hour ||
            normalised.tm_min != tm.tm_min || normalised.tm_sec != tm.tm_sec) {
            throw usage_error(flag + " " + printable(when) +
                              " is no date and time of the calendar");
        }
        // PostgreSQL's bound on a zone's offset from UTC.
        if (m[10].matched && (std::stoi(m[10]) > 15 || (m[11].matched && std::stoi(m[11]) > 59))) {
            throw usage_error(
                flag + " " + printable(when) +
                " has an offset from UTC beyond 15:59, which PostgreSQL does not take");
        }
        return {when, 0};
    }
    if (std::regex_match(when, std::regex(R"([0-9]{4}-[0-9]{2}-[0-9]{2}([T ].*)?)")))
        throw usage_error(flag + " " + printable(when) +
                          " needs a time and its zone, e.g. 2026-11-25T03:00:00Z or "
                          "2026-11-25T04:00:00+01:00");
    throw usage_error(flag +
                      " takes a span like 15m, 2h or 1d, or an ISO-8601 timestamp with its "
                      "zone (got '" +
                      printable(when) + "')");
}

long long parse_duration(const std::string& flag, const std::string& text) {
    const auto span = span_seconds(text);
    if (!span)
        throw usage_error(flag + " takes a span like 30s, 1m or 2h (got '" + printable(text) +
                          "')");
    if (*span > longest_span)
        throw usage_error(flag + " " + printable(text) + " is longer than 100 years");
    return *span;
}

WriteBound parse_write_bound(const std::string& text) {
    static const std::regex count(R"([0-9]{1,15})");
    static const std::regex percent(R"(([0-9]{1,3})(\.([0-9]{1,2}))?%)");
    std::smatch m;
    if (std::regex_match(text, count)) return {text, std::stoll(text), -1};
    if (std::regex_match(text, m, percent)) {
        auto hundredths = m[3].str();
        hundredths.resize(2, '0');
        const long long basis_points = std::stoll(m[1]) * 100 + std::stoll(hundredths);
        if (basis_points <= 10000) return {text, 0, basis_points};
    }
    throw usage_error("--max-writes takes a number of singletons, like 1000, or a percentage of "
                      "the users and Spaces looked at, from 0% to 100%, like 5% (got '" +
                      printable(text) + "')");
}

} // namespace mana::cli
