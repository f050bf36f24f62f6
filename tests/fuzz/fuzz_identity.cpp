// libFuzzer target: the sign-up's email and slug rules and the text
// helpers, with connection-string masking along. Each either accepts its
// input or throws a usage Error; what it returns keeps its promises.
#include "util/conninfo.hpp"
#include "util/error.hpp"
#include "auth/identity.hpp"
#include "util/text.hpp"

#include <cstdlib>

namespace {

void require(bool condition) {
    if (!condition) std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    try {
        const auto email = mana::normalize_email(input);
        require(email.size() <= 254 && email.find('@') != std::string::npos);
        require(mana::ascii_lower(email) == email);
    } catch (const mana::Error& e) {
        require(e.code() == mana::Exit::usage);
    }
    const auto slug = mana::slug_base(input);
    require(slug.size() <= 30);
    require(slug.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos);
    require(slug.empty() || slug.front() != '-');
    require(slug.find("--") == std::string::npos);
    const auto chosen = mana::choose_slug(slug, {slug});
    require(!chosen.empty() && !mana::is_reserved_slug(chosen) && chosen != slug);
    if (mana::is_valid_utf8(input)) require(mana::utf16_length(input) <= input.size());
    require(mana::printable(input).find('\n') == std::string::npos);
    // Masking any string ends (what it hides is checked by the unit tests).
    mana::mask_conninfo(input);
    mana::conninfo_passwords(input);
    return 0;
}
