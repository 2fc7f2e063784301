#include "tap/parser.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace ginsttest;

namespace {

// Each event as one line of text, to compare whole traces.
class Trace final : public tap::EventSink {
public:
  std::vector<std::string> lines;

  void on_event(const tap::Event& e) override {
    std::string text = std::visit([](const auto& p) { return describe(p); }, e.payload);
    lines.push_back(fmt::format("{}{}{}", e.depth, e.truncated ? "! " : " ", text));
  }

private:
  static std::string describe(const tap::Version& v) { return fmt::format("version {}", v.number); }
  static std::string describe(const tap::Plan& p) {
    return fmt::format("plan {}..{} [{}]", p.first, p.last, p.comment);
  }
  static std::string describe(const tap::TestPoint& t) {
    const char* directive = t.directive == tap::Directive::skip   ? " SKIP"
                            : t.directive == tap::Directive::todo ? " TODO"
                                                                  : "";
    return fmt::format("{} {} [{}]{} [{}]", t.ok ? "ok" : "not ok",
                       t.number ? std::to_string(*t.number) : "-", t.description, directive,
                       t.reason);
  }
  static std::string describe(const tap::YamlBlock& y) { return fmt::format("yaml [{}]", y.text); }
  static std::string describe(const tap::BailOut& b) { return fmt::format("bail [{}]", b.reason); }
  static std::string describe(const tap::Pragma& p) {
    return fmt::format("pragma {}{}", p.enable ? '+' : '-', p.name);
  }
  static std::string describe(const tap::Comment& c) { return fmt::format("# [{}]", c.text); }
  static std::string describe(const tap::SubtestStart& s) {
    return fmt::format("subtest [{}]", s.name);
  }
  static std::string describe(const tap::SubtestEnd&) { return "end"; }
  static std::string describe(const tap::Unknown& u) { return fmt::format("? [{}]", u.line); }
};

std::vector<std::string> parse(std::string_view text, std::size_t max_line = 64 * 1024) {
  Trace trace;
  tap::Parser parser{trace, max_line};
  parser.feed(text);
  parser.finish();
  return trace.lines;
}

std::vector<std::string> parse_bytewise(std::string_view text) {
  Trace trace;
  tap::Parser parser{trace};
  for (char c : text) {
    parser.feed(std::string_view{&c, 1});
  }
  parser.finish();
  return trace.lines;
}

using Lines = std::vector<std::string>;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in{path, std::ios::binary};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("GLib 2.74 output: no version line, plan first, comments") {
  CHECK(parse("# random seed: R02S\n1..3\n# Start of utils tests\nok 1 /utils/a\n"
              "not ok 2 /utils/b\nok 3 /utils/c # SKIP not here\n") ==
        Lines{"0 # [random seed: R02S]", "0 plan 1..3 []", "0 # [Start of utils tests]",
              "0 ok 1 [/utils/a] []", "0 not ok 2 [/utils/b] []",
              "0 ok 3 [/utils/c] SKIP [not here]"});
}

TEST_CASE("test points: numbers, dashes, directives in any case, escapes") {
  CHECK(parse("ok\nnot ok\nok 7\nok - dash\nok 8 - both\n") ==
        Lines{"0 ok - [] []", "0 not ok - [] []", "0 ok 7 [] []", "0 ok - [dash] []",
              "0 ok 8 [both] []"});
  CHECK(parse("not ok 1 x # todo later\nok 2 y #SKIPPED: no net\nok 3 z # Todo\n") ==
        Lines{"0 not ok 1 [x] TODO [later]", "0 ok 2 [y] SKIP [no net]", "0 ok 3 [z] TODO []"});
  CHECK(parse("ok 1 a \\# not a directive \\\\ # SKIP why\n") ==
        Lines{"0 ok 1 [a # not a directive \\] SKIP [why]"});
  // A '#' that is not a directive ends the description.
  CHECK(parse("ok 1 desc # just a comment\n") == Lines{"0 ok 1 [desc] []"});
  // Not test points.
  CHECK(parse("okay\nok1\nnot okay\n") == Lines{"0 ? [okay]", "0 ? [ok1]", "0 ? [not okay]"});
}

TEST_CASE("plans") {
  CHECK(parse("1..0 # SKIP no display\n") == Lines{"0 plan 1..0 [SKIP no display]"});
  CHECK(parse("ok\n1..1\n") == Lines{"0 ok - [] []", "0 plan 1..1 []"});
  CHECK(parse("1..2 trailing\n1..\n..3\n100..1\n") ==
        Lines{"0 ? [1..2 trailing]", "0 ? [1..]", "0 ? [..3]", "0 ? [100..1]"});
}

TEST_CASE("version, bail out, pragmas, unknown lines, blank lines, CRLF") {
  CHECK(parse("TAP version 14\r\n\r\npragma +strict\npragma -strict\n"
              "what is this\nBail out! no more\n") ==
        Lines{"0 version 14", "0 pragma +strict", "0 pragma -strict", "0 ? [what is this]",
              "0 bail [no more]"});
  CHECK(parse("Bail out!\n") == Lines{"0 bail []"});
  CHECK(parse("TAP version x\n") == Lines{"0 ? [TAP version x]"});
}

TEST_CASE("YAML blocks after a test point, with two spaces or any deeper indentation") {
  CHECK(parse("not ok 1 a\n  ---\n  message: boom\n  data:\n    - 1\n  ...\nok 2 b\n") ==
        Lines{"0 not ok 1 [a] []", "0 yaml [message: boom\ndata:\n  - 1\n]", "0 ok 2 [b] []"});
  CHECK(parse("not ok 1 a\n   ---\n   x: 1\n   ...\n") ==
        Lines{"0 not ok 1 [a] []", "0 yaml [x: 1\n]"});
  // Not after a test point: just lines.
  CHECK(parse("1..1\n  ---\n") == Lines{"0 plan 1..1 []", "0 ? [---]"});
  // Unterminated at the end of the stream.
  CHECK(parse("not ok 1\n  ---\n  a: b\n") == Lines{"0 not ok 1 [] []", "0! yaml [a: b\n]"});
}

TEST_CASE("TAP 14 subtests, named or not, nested, closed by the parent's point") {
  CHECK(parse("TAP version 14\n1..2\n    # Subtest: first\n    1..1\n    ok 1 inner\n"
              "ok 1 - first\n    ok 1 anon\n    1..1\nok 2 - anon\n") ==
        Lines{"0 version 14", "0 plan 1..2 []", "1 subtest [first]", "1 plan 1..1 []",
              "1 ok 1 [inner] []", "1 end", "0 ok 1 [first] []", "1 subtest []", "1 ok 1 [anon] []",
              "1 plan 1..1 []", "1 end", "0 ok 2 [anon] []"});
  // The older style: "# Subtest" at the parent's level, then the indented stream.
  CHECK(parse("# Subtest: x\n    ok 1 deep\n        ok 1 deeper\n    ok 2 y\nok 1 x\n") ==
        Lines{"1 subtest [x]", "1 ok 1 [deep] []", "2 subtest []", "2 ok 1 [deeper] []", "2 end",
              "1 ok 2 [y] []", "1 end", "0 ok 1 [x] []"});
  // A subtest's bail out keeps its depth; the end of the stream closes what is open.
  CHECK(parse("    ok 1 a\n    Bail out! inner\n") ==
        Lines{"1 subtest []", "1 ok 1 [a] []", "1 bail [inner]", "1 end"});
  // Indented lines that are not TAP open nothing.
  CHECK(parse("ok 1 a\n    some stderr\n") == Lines{"0 ok 1 [a] []", "0 ? [some stderr]"});
}

TEST_CASE("invalid UTF-8 and control characters pass through untouched") {
  const std::string odd = "ok 1 caf\xe9 \x01\xff\n";
  CHECK(parse(odd) == Lines{"0 ok 1 [caf\xe9 \x01\xff] []"});
}

TEST_CASE("an over-long line is cut and flagged; memory does not follow it") {
  std::string line = "ok 1 " + std::string(100000, 'x') + "\nok 2 after\n";
  const auto lines = parse(line, 1000);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].starts_with("0! ok 1 [xxx"));
  CHECK(lines[0].size() < 1100);
  CHECK(lines[1] == "0 ok 2 [after] []");
  // A huge YAML block is capped too.
  std::string yaml = "not ok 1\n  ---\n";
  for (int i = 0; i < 1000; i++) {
    yaml += "  line: " + std::to_string(i) + "\n";
  }
  yaml += "  ...\nok 2\n";
  const auto capped = parse(yaml, 200);
  REQUIRE(capped.size() == 3);
  CHECK(capped[1].starts_with("0! yaml [line: 0\n"));
  CHECK(capped[1].size() < 230);
}

TEST_CASE("every shared fixture parses the same fed whole or byte by byte") {
  const std::filesystem::path data = GINSTTEST_SHARED_DATA "/tap-fixtures";
  REQUIRE(std::filesystem::is_directory(data));
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(data)) {
    if (entry.path().extension() != ".tap") {
      continue;
    }
    CAPTURE(entry.path().string());
    const auto text = read_file(entry.path());
    CHECK(parse(text) == parse_bytewise(text));
    files++;
  }
  CHECK(files > 150);
}

TEST_CASE("real GLib output: every point of glib/utils.test found") {
  const auto text = read_file(GINSTTEST_SHARED_DATA
                              "/tap-fixtures/real-installed-tests/glib-2.74.6-installed-utils.tap");
  const auto lines = parse(text);
  int ok = 0;
  int not_ok = 0;
  for (const auto& l : lines) {
    ok += l.starts_with("0 ok ");
    not_ok += l.starts_with("0 not ok ");
  }
  CHECK(std::count(lines.begin(), lines.end(), "0 plan 1..37 []") == 1);
  CHECK(ok + not_ok == 37);
}
