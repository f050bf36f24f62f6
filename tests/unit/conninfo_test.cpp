#include "util/conninfo.hpp"
#include "util/secrets.hpp"

#include <catch2/catch.hpp>

using namespace mana;

TEST_CASE("a URL password is masked and reported as a secret") {
    const std::string url = "postgresql://ops:s3cr%40t@db.example.com:5432/mana?sslmode=require";
    CHECK(mask_conninfo(url) == "postgresql://ops:****@db.example.com:5432/mana?sslmode=require");
    CHECK(conninfo_passwords(url) == std::vector<std::string>{"s3cr%40t", "s3cr@t"});
}

TEST_CASE("a URL without password is shown as it is") {
    const std::string url = "postgres://ops@db/mana";
    CHECK(mask_conninfo(url) == url);
    CHECK(conninfo_passwords(url).empty());
}

TEST_CASE("a password with '/' and '@' in the userinfo is masked whole") {
    const std::string url = "postgresql://u:pa/ss@w@host/db";
    CHECK(mask_conninfo(url) == "postgresql://u:****@host/db");
}

TEST_CASE("a password query parameter is masked") {
    const std::string url = "postgresql://host/db?user=u&password=hunter22&sslmode=disable";
    CHECK(mask_conninfo(url) == "postgresql://host/db?user=u&password=****&sslmode=disable");
    CHECK(conninfo_passwords(url) == std::vector<std::string>{"hunter22"});
}

TEST_CASE("key=value passwords bare and quoted are masked") {
    CHECK(mask_conninfo("host=db password=hunter22 dbname=x") == "host=db password=**** dbname=x");
    CHECK(mask_conninfo("host=db password = 'a b\\'c' dbname=x") ==
          "host=db password = '****' dbname=x");
    CHECK(conninfo_passwords("password='a b\\'c'") == std::vector<std::string>{"a b\\'c"});
    CHECK(mask_conninfo("dbname=x") == "dbname=x");
}

TEST_CASE("scrub removes every registered secret") {
    register_secret("correct horse");
    CHECK(scrub("password correct horse in a message, correct horse") ==
          "password **** in a message, ****");
    CHECK(scrub("nothing secret") == "nothing secret");
}

TEST_CASE("secrets under four characters are not scrubbed from everything") {
    register_secret("y");
    register_secret("abc");
    CHECK(scrub("every table is there, abc") == "every table is there, abc");
}

TEST_CASE("connection passwords are found anywhere in an argument or environment value") {
    register_connection_secrets("--auth-db=postgresql://ops:arg-secret-1@db.example/auth");
    CHECK(scrub("not expected: --auth-db=postgresql://ops:arg-secret-1@db.example/auth") ==
          "not expected: --auth-db=postgresql://ops:****@db.example/auth");
    register_connection_secrets("host=db password='kv secret 2' dbname=sync");
    CHECK(scrub("given: host=db password='kv secret 2' dbname=sync") ==
          "given: host=db password='****' dbname=sync");
    CHECK(scrub("kv secret 2") == "****");
}

TEST_CASE("a connection string with a short password is shown masked whole") {
    register_connection_secrets("postgres://ops:pw@db/auth");
    CHECK(scrub("argument postgres://ops:pw@db/auth was not expected") ==
          "argument postgres://ops:****@db/auth was not expected");
    CHECK(scrub("pw stays readable elsewhere") == "pw stays readable elsewhere");
}

TEST_CASE("every secret keyword libpq knows is masked, however a URL spells its name") {
    const std::string url =
        "postgresql://h/db?sslpassword=KeyPass1&pass%77ord=Hidden2&SSLPassword=x&user=u";
    CHECK(mask_conninfo(url) ==
          "postgresql://h/db?sslpassword=****&pass%77ord=****&SSLPassword=****&user=u");
    CHECK(conninfo_passwords(url) == std::vector<std::string>{"KeyPass1", "Hidden2", "x"});
    CHECK(mask_conninfo("host=h sslpassword=KeyPass3 sslkey=/k password = 'a b' dbname=x") ==
          "host=h sslpassword=**** sslkey=/k password = '****' dbname=x");
    CHECK(blank_conninfo_passwords("host=h sslpassword='Key Pass4'") ==
          "host=h sslpassword='*********'");
    // A keyword only where a keyword stands: not inside another's value.
    CHECK(mask_conninfo("application_name=password=1 dbname=x") ==
          "application_name=password=1 dbname=x");
}
