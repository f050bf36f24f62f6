#include "auth/sign_up_reader.hpp"

#include "util/error.hpp"
#include "util/option_names.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace mana {
namespace {

const std::vector<std::string> known_fields = {"email", "password", "password_hash", "name",
                                               "tier",  "role",     "kind",          "verified"};

bool is_known(const std::string& field) {
    return std::find(known_fields.begin(), known_fields.end(), field) != known_fields.end();
}

struct RowError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

bool parse_bool(const std::string& field, const std::string& text) {
    const auto v = ascii_lower(trim(text));
    if (v == "true" || v == "1" || v == "yes") return true;
    if (v == "false" || v == "0" || v == "no") return false;
    throw RowError("\"" + field + "\" must be true or false");
}

// One field into the sign-up. Text fields keep their value exactly.
void assign(SignUp& s, const std::string& field, const std::string& value) {
    if (field == "email")
        s.email = value;
    else if (field == "password")
        s.password = value;
    else if (field == "password_hash")
        s.password_hash = value;
    else if (field == "name")
        s.name = value;
    else if (field == "tier")
        s.tier = value;
    else if (field == "role")
        s.role = value;
    else if (field == "kind")
        s.kind = value;
    else if (field == "verified")
        s.verified = parse_bool(field, value);
}

// CSV fields of one line (RFC 4180 quotes and doubled quotes; no line breaks).
std::vector<std::string> split_csv(const std::string& record) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (std::size_t i = 0; i < record.size(); ++i) {
        const char c = record[i];
        if (quoted) {
            if (c == '"' && i + 1 < record.size() && record[i + 1] == '"')
                fields.back() += '"', ++i;
            else if (c == '"')
                quoted = false;
            else
                fields.back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else {
            fields.back() += c;
        }
    }
    // A field never spans lines: a stray quote must not swallow the rows after it.
    if (quoted) throw RowError("a quoted field is not closed on its line");
    return fields;
}

void strip_bom(std::string& line) {
    if (line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
}

} // namespace

InputFormat format_for_path(const std::string& path) {
    const auto lower = ascii_lower(path);
    return lower.size() >= 4 && lower.compare(lower.size() - 4, 4, ".csv") == 0
               ? InputFormat::csv
               : InputFormat::jsonl;
}

SignUpReader::SignUpReader(std::istream& in, InputFormat format, SignUp defaults)
    : in_(in), format_(format), defaults_(std::move(defaults)) {
    if (format_ != InputFormat::csv) return;
    std::string header;
    bool too_long = false;
    while (header.empty() || trim(header).empty()) {
        if (!read_line(header, too_long)) throw usage_error("the CSV input has no header line");
    }
    strip_bom(header);
    header_text_ = raw_;
    if (too_long)
        throw usage_error("line " + std::to_string(line_) + ": the CSV header is too long");
    try {
        for (const auto& column : split_csv(header))
            columns_.push_back(ascii_lower(trim(column)));
    } catch (const RowError& e) {
        throw usage_error("line " + std::to_string(line_) + ": " + e.what());
    }
    for (const auto& column : columns_) {
        if (!is_known(column)) {
            throw usage_error("line " + std::to_string(line_) + ": unknown CSV column '" + column +
                              "' (expected: " + join(known_fields) + ")");
        }
    }
    if (std::find(columns_.begin(), columns_.end(), "email") == columns_.end()) {
        throw usage_error("line " + std::to_string(line_) + ": the CSV header has no email column");
    }
}

// A physical line without its end-of-line (LF or CRLF) and the first
// line's byte order mark, at most max_row_bytes kept (raw_ as read); the
// rest of a longer line is read and dropped.
bool SignUpReader::read_line(std::string& line, bool& too_long) {
    raw_.clear();
    too_long = false;
    if (!in_.good() || in_.peek() == std::char_traits<char>::eof()) return false;
    ++line_;
    for (int c = in_.get(); c != std::char_traits<char>::eof() && c != '\n'; c = in_.get()) {
        if (raw_.size() < max_row_bytes)
            raw_ += static_cast<char>(c);
        else
            too_long = true;
    }
    line = raw_;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line_ == 1) strip_bom(line);
    return true;
}

std::size_t SignUpReader::count_rows(std::istream& in, InputFormat format) {
    SignUpReader reader(in, format, SignUp{});
    std::size_t rows = 0;
    std::string text;
    bool too_long = false;
    while (reader.read_line(text, too_long))
        if (too_long || !trim(text).empty()) ++rows;
    return rows;
}

bool SignUpReader::next(InputRow& row) {
    std::string text;
    bool too_long = false;
    do {
        if (!read_line(text, too_long)) return false;
    } while (trim(text).empty() && !too_long);
    row = InputRow{line_, defaults_, "", raw_, !too_long};
    if (too_long) {
        row.error = "the row is longer than " + std::to_string(max_row_bytes) + " bytes";
        return true;
    }
    try {
        if (format_ == InputFormat::csv)
            parse_csv(text, row);
        else
            parse_json(text, row);
        if (trim(row.sign_up.email).empty()) throw RowError("no email");
    } catch (const RowError& e) {
        row.error = e.what();
    }
    return true;
}

void SignUpReader::parse_json(const std::string& text, InputRow& row) const {
    nlohmann::json object;
    try {
        object = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        // Never nlohmann's message: it quotes the text, which may hold a password.
        const auto start = text.find_first_not_of(" \t\r");
        const bool looks_like_csv = start != std::string::npos && text[start] != '{' &&
                                    text.find(',') != std::string::npos;
        throw RowError(
            "not valid JSON (at byte " + std::to_string(e.byte) + ")" +
            (looks_like_csv ? ": is it CSV? pass " + option_name(Option::format) + " csv" : ""));
    } catch (const nlohmann::json::exception&) {
        throw RowError("not valid JSON (a number out of range)"); // e.g. 5e845
    }
    if (!object.is_object()) throw RowError("not a JSON object");
    for (const auto& item : object.items()) {
        const auto& field = item.key();
        const auto& value = item.value();
        if (!is_known(field)) {
            throw RowError("unknown field \"" + field.substr(0, 40) +
                           "\" (expected: " + join(known_fields) + ")");
        }
        if (value.is_null()) continue;
        if (field == "verified") {
            if (!value.is_boolean()) throw RowError("\"verified\" must be true or false");
            row.sign_up.verified = value.get<bool>();
        } else if (!value.is_string()) {
            throw RowError("\"" + field + "\" must be a string");
        } else {
            assign(row.sign_up, field, value.get<std::string>());
        }
    }
}

void SignUpReader::parse_csv(const std::string& text, InputRow& row) const {
    const auto fields = split_csv(text);
    if (fields.size() != columns_.size()) {
        throw RowError("has " + std::to_string(fields.size()) + " fields, the header " +
                       std::to_string(columns_.size()));
    }
    for (std::size_t i = 0; i < fields.size(); ++i) {
        // Spaces around a field are the file's layout, not the value ("a,
        // public"), except in a password, where every character counts. An
        // empty field means "not given": the default applies.
        const auto value = columns_[i] == "password" ? fields[i] : trim(fields[i]);
        if (!value.empty()) assign(row.sign_up, columns_[i], value);
    }
}

} // namespace mana
