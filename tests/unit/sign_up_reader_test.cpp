#include "util/error.hpp"
#include "auth/sign_up_reader.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace mana;

namespace {

std::vector<InputRow> read_all(const std::string& text, InputFormat format, SignUp defaults = {}) {
    std::istringstream in(text);
    SignUpReader reader(in, format, defaults);
    std::vector<InputRow> rows;
    InputRow row;
    while (reader.next(row))
        rows.push_back(row);
    return rows;
}

} // namespace

TEST_CASE("JSON Lines rows carry every field and their line numbers") {
    const auto rows = read_all(
        "{\"email\":\"a@x.org\",\"password\":\"pw-123456\",\"name\":\"A\",\"tier\":\"founder\","
        "\"role\":\"admin\",\"kind\":\"persona\",\"verified\":true}\n"
        "\n"
        "{\"email\":\"b@x.org\",\"password_hash\":\"h\"}\r\n",
        InputFormat::jsonl);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].line == 1);
    CHECK(rows[0].error.empty());
    CHECK(rows[0].sign_up.email == "a@x.org");
    CHECK(rows[0].sign_up.password == std::optional<std::string>("pw-123456"));
    CHECK(rows[0].sign_up.name == std::optional<std::string>("A"));
    CHECK(rows[0].sign_up.tier == "founder");
    CHECK(rows[0].sign_up.role == "admin");
    CHECK(rows[0].sign_up.kind == "persona");
    CHECK(rows[0].sign_up.verified == std::optional<bool>(true));
    CHECK(rows[1].line == 3);
    CHECK(rows[1].sign_up.password_hash == std::optional<std::string>("h"));
    CHECK_FALSE(rows[1].sign_up.tier.has_value()); // not given: a new user's default applies
}

TEST_CASE("defaults from the command line fill what a row leaves out") {
    SignUp defaults;
    defaults.tier = "beta";
    defaults.verified = true;
    const auto rows =
        read_all("{\"email\":\"a@x.org\",\"verified\":false}\n", InputFormat::jsonl, defaults);
    CHECK(rows[0].sign_up.tier == "beta");
    CHECK(rows[0].sign_up.verified == std::optional<bool>(false));
}

TEST_CASE("bad JSON rows are reported and the reader goes on") {
    const auto rows = read_all("{\"email\":\"a@x.org\",\"password\":\"secret-pw\n"
                               "[1,2]\n"
                               "{\"email\":5}\n"
                               "{\"email\":\"c@x.org\",\"verified\":\"yes\"}\n"
                               "{\"email\":\"c@x.org\",\"pasword\":\"x\"}\n"
                               "{\"name\":\"no email\"}\n"
                               "{\"email\":\"ok@x.org\"}\n",
                               InputFormat::jsonl);
    REQUIRE(rows.size() == 7);
    CHECK_THAT(rows[0].error, Catch::StartsWith("not valid JSON (at byte"));
    CHECK_THAT(rows[0].error, !Catch::Contains("secret-pw"));
    CHECK(rows[1].error == "not a JSON object");
    CHECK(rows[2].error == "\"email\" must be a string");
    CHECK(rows[3].error == "\"verified\" must be true or false");
    CHECK_THAT(rows[4].error, Catch::StartsWith("unknown field \"pasword\""));
    CHECK(rows[5].error == "no email");
    CHECK(rows[6].error.empty());
    CHECK(rows[6].line == 7);
}

TEST_CASE("a number out of range is a bad row and not a crash") {
    // Found by fuzz_sign_up_reader: nlohmann throws out_of_range, not parse_error.
    const auto rows = read_all("{\"email\":\"a@x.org\",\"n\":5e845}\n{\"email\":\"b@x.org\"}\n",
                               InputFormat::jsonl);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].error == "not valid JSON (a number out of range)");
    CHECK(rows[1].error.empty());
}

TEST_CASE("a row over the size limit is an error and the next row still reads") {
    const auto rows = read_all("{\"email\":\"a@x.org\",\"name\":\"" + std::string(1 << 20, 'n') +
                                   "\"}\n{\"email\":\"b@x.org\"}\n",
                               InputFormat::jsonl);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].error == "the row is longer than 65536 bytes");
    CHECK(rows[1].error.empty());
    CHECK(rows[1].sign_up.email == "b@x.org");
}

TEST_CASE("CSV with a BOM, CRLF and quotes, and a line break ending every row") {
    const auto rows = read_all("\xEF\xBB\xBF"
                               "Email,Password,Name,Verified\r\n"
                               "a@x.org,pw-123456,\"Lovelace, Ada\",true\r\n"
                               "b@x.org,,\"Two \"\"quoted\"\"\",\r\n"
                               "c@x.org,pw,too,many,fields\r\n"
                               "d@x.org,pw,D,maybe\r\n"
                               "e@x.org,pw,\"unclosed,\r\n"
                               "f@x.org,pw,F,\r\n",
                               InputFormat::csv);
    REQUIRE(rows.size() == 6);
    CHECK(rows[0].sign_up.email == "a@x.org");
    CHECK(rows[0].sign_up.name == std::optional<std::string>("Lovelace, Ada"));
    CHECK(rows[0].sign_up.verified == std::optional<bool>(true));
    CHECK(rows[1].line == 3);
    CHECK_FALSE(rows[1].sign_up.password.has_value());
    CHECK(rows[1].sign_up.name == std::optional<std::string>("Two \"quoted\""));
    CHECK(rows[2].line == 4);
    CHECK(rows[2].error == "has 5 fields, the header 4");
    CHECK(rows[3].error == "\"verified\" must be true or false");
    // An unclosed quote fails its own line; the next line is a row of its own.
    CHECK(rows[4].line == 6);
    CHECK(rows[4].error == "a quoted field is not closed on its line");
    CHECK(rows[5].line == 7);
    CHECK(rows[5].error.empty());
    CHECK(rows[5].sign_up.email == "f@x.org");
}

TEST_CASE("an unusable CSV header is a usage error naming the line") {
    std::istringstream unknown("email,pasword\n");
    CHECK_THROWS_WITH((SignUpReader{unknown, InputFormat::csv, {}}),
                      Catch::StartsWith("line 1: unknown CSV column 'pasword'"));
    std::istringstream no_email("name,password\n");
    CHECK_THROWS_WITH((SignUpReader{no_email, InputFormat::csv, {}}),
                      "line 1: the CSV header has no email column");
    std::istringstream empty("");
    CHECK_THROWS_WITH((SignUpReader{empty, InputFormat::csv, {}}),
                      "the CSV input has no header line");
}

TEST_CASE("the format follows the file name") {
    CHECK(format_for_path("users.CSV") == InputFormat::csv);
    CHECK(format_for_path("users.jsonl") == InputFormat::jsonl);
    CHECK(format_for_path("-") == InputFormat::jsonl);
}

TEST_CASE("count_rows counts what next() gives, without parsing") {
    const std::string too_long(SignUpReader::max_row_bytes + 10, 'x');
    const std::vector<std::pair<std::string, InputFormat>> inputs = {
        {"", InputFormat::jsonl},
        {"\xEF\xBB\xBF{\"email\":\"a@x.org\"}\r\n\n  \t\nnot json\n" + too_long + "\n{}",
         InputFormat::jsonl},
        {"\n \nemail,tier\r\na@x.org,public\r\n\r\n,\nb@x.org,founder", InputFormat::csv},
        {"email\n", InputFormat::csv},
    };
    for (const auto& [text, format] : inputs) {
        INFO(text.substr(0, 80));
        std::istringstream in(text);
        CHECK(SignUpReader::count_rows(in, format) == read_all(text, format).size());
    }
    std::istringstream counted("{}\n\n{}\n");
    CHECK(SignUpReader::count_rows(counted, InputFormat::jsonl) == 2);
    std::istringstream headless("\n");
    CHECK_THROWS_AS(SignUpReader::count_rows(headless, InputFormat::csv), Error);
}
