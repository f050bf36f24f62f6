// Sign-ups from a file (`register --from`): JSON Lines or CSV with a header.
// A row that cannot be read carries its error and line number; the reader
// goes on with the next one.
#pragma once

#include "auth/registration.hpp"

#include <istream>
#include <string>

namespace mana {

enum class InputFormat { jsonl, csv };

// .csv is CSV; anything else (and stdin) JSON Lines.
InputFormat format_for_path(const std::string& path);

struct InputRow {
    std::size_t line = 0; // where the row starts, 1-based
    SignUp sign_up;
    std::string error; // non-empty: the row is unusable, and why
    // The line's bytes as read, without its "\n" (a "\r" before it, a
    // byte order mark, blanks kept): what a rejects file gives back. Cut
    // at max_row_bytes: then not whole.
    std::string text;
    bool text_whole = true;
};

class SignUpReader {
  public:
    // Rows start from defaults (the command line's flags). For CSV the
    // header is read here: a usage Error if it is unusable.
    SignUpReader(std::istream& in, InputFormat format, SignUp defaults);

    // The next non-blank row; false at the end of the input.
    bool next(InputRow& row);

    // How many rows next() would give from in, counted without parsing
    // them (a progress's total); a usage Error as the constructor's.
    static std::size_t count_rows(std::istream& in, InputFormat format);

    // The CSV header line's bytes as read (as InputRow::text); empty for
    // JSON Lines.
    const std::string& header_text() const { return header_text_; }

    // Longest row accepted (bytes).
    static constexpr std::size_t max_row_bytes = 64 * 1024;

  private:
    bool read_line(std::string& line, bool& too_long);
    void parse_json(const std::string& text, InputRow& row) const;
    void parse_csv(const std::string& text, InputRow& row) const;

    std::istream& in_;
    InputFormat format_;
    SignUp defaults_;
    std::vector<std::string> columns_; // CSV header, lower-cased
    std::string header_text_;
    std::string raw_; // the last line read, as read
    std::size_t line_ = 0;
};

} // namespace mana
