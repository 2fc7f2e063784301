#include "report/console.hpp"
#include "report/json.hpp"
#include "report/tap.hpp"

#include <doctest/doctest.h>

using namespace ginsttest;

TEST_CASE("the SUMMARY line keeps gdtr's fields") {
  core::RunSummary s;
  s.total = 5;
  s.passed = 2;
  s.skipped = 1;
  s.failed = 2;
  s.user_seconds = 1.25;
  s.system_seconds = 0.04;
  s.maxrss_kb = 1234;
  CHECK(report::summary_line(s) ==
        "SUMMARY: total=5; passed=2; skipped=1; failed=2; user=1.2s; system=0.0s; maxrss=1234");
  s.failed = 1;
  CHECK(report::summary_line(s).starts_with("SUMMARY (incomplete): total=5;"));
  s.failed = 2;
  s.interrupted_by = 2;
  CHECK(report::summary_line(s).starts_with("SUMMARY (incomplete): "));
}

TEST_CASE("result lines as gdtr prints them") {
  core::TestSpec spec;
  spec.name = "glib/a.test";
  core::TestResult r;
  r.outcome = core::Outcome::pass;
  CHECK(report::result_line(spec, r) == "PASS: glib/a.test");
  r.outcome = core::Outcome::skip;
  CHECK(report::result_line(spec, r) == "SKIP: glib/a.test");
  r.outcome = core::Outcome::timeout;
  r.reason = "timed out after 5 s";
  CHECK(report::result_line(spec, r) == "FAIL: glib/a.test (timed out after 5 s)");
}

TEST_CASE("TAP descriptions and YAML strings are escaped") {
  CHECK(report::tap_escape("a#b\\c\nd") == "a\\#b\\\\c d");
  CHECK(report::yaml_quote("say \"hi\"\n\x01") == "\"say \\\"hi\\\"\\n\\x01\"");
}

TEST_CASE("JSON strings: escapes, and U+FFFD for what is not UTF-8") {
  CHECK(report::json_string("plain") == "\"plain\"");
  CHECK(report::json_string("a\"b\\c") == R"("a\"b\\c")");
  CHECK(report::json_string("line\nnext\ttab") == R"("line\nnext\ttab")");
  CHECK(report::json_string(std::string_view("nul\0bell\x07"
                                             "del\x7f",
                                             13)) == R"("nul\u0000bell\u0007del\u007f")");
  CHECK(report::json_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  const std::string fffd = "\xef\xbf\xbd";
  CHECK(report::json_string("\xff") == "\"" + fffd + "\"");
  CHECK(report::json_string("\xc0\xaf") == "\"" + fffd + fffd + "\"");            // overlong '/'
  CHECK(report::json_string("\xed\xa0\x80") == "\"" + fffd + fffd + fffd + "\""); // surrogate
  CHECK(report::json_string("cut \xe2\x82") == "\"cut " + fffd + fffd + "\"");
}
