// Small string helpers shared by core and cli.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mana {

// The first non-empty line of a (libpq or server) message, trimmed.
std::string first_line(const std::string& message);

std::string trim(std::string_view s);

// The items with the separator between them: "a, b, c".
std::string join(const std::vector<std::string>& items, std::string_view separator = ", ");
std::string ascii_lower(std::string_view s);

// Whether s is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view s);

// Length as JavaScript's String.length counts it: UTF-16 code units.
// s must be valid UTF-8.
std::size_t utf16_length(std::string_view s);

// Input safe to quote in a one-line message: control characters become
// '?', and anything past max_bytes becomes "...".
std::string printable(std::string_view s, std::size_t max_bytes = 80);

// A line of COPY's text format holding one text column, as get_raw_line
// gives it, made into the column's value: the line end dropped and the
// escapes (\\, \t, \n, \r, \b, \f, \v) undone, in place.
void copy_line_to_value(std::string& line);

// Why an id given on the command line is unusable, or empty when it is fine.
std::string id_problem(std::string_view id);

// The candidate a mistyped word most likely meant: the nearest by edit
// distance (an insertion, a deletion, a change or two neighbours swapped
// each count one), when at most 2 edits and fewer than half the word's
// length away; the first of equals.
std::optional<std::string> closest_match(std::string_view word,
                                         const std::vector<std::string>& candidates);

} // namespace mana
