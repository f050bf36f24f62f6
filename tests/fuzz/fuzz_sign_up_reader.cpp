// libFuzzer target: the JSON Lines / CSV row reader of `register --from`.
// The first byte picks the format; whatever the rest is, reading must end,
// every row must carry a line number that grows, and an unusable CSV header
// must be a usage Error, never anything else.
#include "util/error.hpp"
#include "auth/sign_up_reader.hpp"

#include <cstdlib>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const auto format = data[0] % 2 ? mana::InputFormat::csv : mana::InputFormat::jsonl;
    std::istringstream in(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
    try {
        mana::SignUpReader reader(in, format, {});
        mana::InputRow row;
        std::size_t last_line = 0;
        while (reader.next(row)) {
            if (row.line <= last_line) std::abort();
            last_line = row.line;
            if (row.error.empty() && row.sign_up.email.empty())
                std::abort(); // a row without email is an error
        }
    } catch (const mana::Error& e) {
        if (e.code() != mana::Exit::usage) std::abort();
    }
    return 0;
}
