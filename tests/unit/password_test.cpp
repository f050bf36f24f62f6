// Known answers computed independently with Node's crypto.scryptSync over
// String.prototype.normalize("NFKC"), as Better Auth does.
#include "util/error.hpp"
#include "auth/password.hpp"

#include <catch2/catch.hpp>

using namespace mana;

namespace {
const std::string salt = "0123456789abcdef0123456789abcdef";
}

TEST_CASE("the hash matches Better Auth's for an ASCII password") {
    CHECK(hash_password_with_salt("password123", salt) ==
          salt +
              ":e8b256b6f9f4b1641136a66d4a26ba41a47b6c8c9bad6aa4145559ffda45ece1f0f16dec8482a3e55"
              "45feada0ba62f2b05eeb943b750c9396874e1762c78d27d");
}

TEST_CASE("the password is NFKC-normalised before hashing") {
    const auto ligature = hash_password_with_salt("\xef\xac\x81nance-2024", salt); // "ﬁnance-2024"
    const auto expected = salt +
                          ":949296199a7df25ffbd2fabc1a462c828ede02103370ef386c3084955e73fafbf1"
                          "eb4426d41900c6d21873b304ac9271c8b541991ab91edd2161075da2dff531";
    CHECK(ligature == expected);
    CHECK(hash_password_with_salt("finance-2024", salt) == expected);
    // Full-width digits: "パスワード１２３４"
    CHECK(
        hash_password_with_salt("\xe3\x83\x91\xe3\x82\xb9\xe3\x83\xaf\xe3\x83\xbc\xe3\x83\x89"
                                "\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94",
                                salt) ==
        salt +
            ":fb7ea83a686beb8a23376eee48593b156b1fa43971bbbfaac7f072c978cd656b7cd5c12ff4bcd0ee3ac5"
            "2794faceafcf54db5ceb685bdb55249edb41b3d754b2");
}

TEST_CASE("a fresh hash has Better Auth's shape and verifies") {
    const auto hash = hash_password("correct horse battery");
    CHECK(is_password_hash(hash));
    CHECK(hash.substr(0, 32) != hash_password("correct horse battery").substr(0, 32));
    CHECK(verify_password("correct horse battery", hash));
    CHECK_FALSE(verify_password("correct horse batterY", hash));
    CHECK_FALSE(verify_password("correct horse battery", "not-a-hash"));
}

TEST_CASE("is_password_hash accepts only 32 hex, a colon and 128 hex in lowercase") {
    const std::string key(128, 'a');
    CHECK(is_password_hash(salt + ":" + key));
    CHECK_FALSE(is_password_hash(salt + key));
    CHECK_FALSE(is_password_hash(salt + ":" + key.substr(1)));
    CHECK_FALSE(is_password_hash("0123456789ABCDEF0123456789abcdef:" + key));
    CHECK_FALSE(is_password_hash(salt + ":" + std::string(127, 'a') + "g"));
    CHECK_FALSE(is_password_hash("$2b$10$abcdefghijklmnopqrstuv"));
}

TEST_CASE("the policy counts UTF-16 code units: 8 to 128") {
    CHECK_NOTHROW(check_password_policy("12345678"));
    CHECK_THROWS_WITH(check_password_policy("1234567"),
                      "the password must be 8 to 128 characters long (it has 7)");
    CHECK_NOTHROW(check_password_policy(std::string(128, 'x')));
    CHECK_THROWS_WITH(check_password_policy(std::string(129, 'x')),
                      "the password must be 8 to 128 characters long (it has 129)");
    // Four emoji are 8 UTF-16 code units (16 bytes of UTF-8).
    CHECK_NOTHROW(
        check_password_policy("\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"));
    // 7 two-byte letters are 7 units although 14 bytes.
    CHECK_THROWS(check_password_policy("\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc\xc3\xbc"));
    CHECK_THROWS_WITH(check_password_policy("abcdefgh\xff"), "the password is not valid UTF-8");
    try {
        check_password_policy("short");
    } catch (const Error& e) {
        CHECK(e.code() == Exit::usage);
    }
}
