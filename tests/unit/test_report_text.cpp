#include "report/console.hpp"
#include "report/escape.hpp"
#include "report/junit.hpp"
#include "report/tap.hpp"
#include "report/tmt.hpp"
#include "report_results.hpp"
#include "tap/parser.hpp"
#include "tap/verdict.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <functional>

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
  CHECK(report::summary_line(s) == "SUMMARY: total=5; passed=2; skipped=1; failed=2; flaky=0; "
                                   "user=1.2s; system=0.0s; maxrss=1234");
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

TEST_CASE("with a baseline, FAIL lines say regression or known failure, and SUMMARY counts") {
  core::TestSpec spec;
  spec.name = "soup/a.test";
  core::TestResult r;
  r.outcome = core::Outcome::fail;
  r.reason = "exited with status 1";
  r.baseline = core::BaselineComparison{core::Outcome::pass, core::Comparison::regression};
  CHECK(report::result_line(spec, r) == "FAIL: soup/a.test (exited with status 1) (regression)");
  r.baseline = core::BaselineComparison{core::Outcome::fail, core::Comparison::known_failure};
  CHECK(report::result_line(spec, r) == "FAIL: soup/a.test (exited with status 1) (known failure)");
  r.outcome = core::Outcome::pass;
  r.reason.clear();
  r.baseline = core::BaselineComparison{core::Outcome::fail, core::Comparison::fixed};
  CHECK(report::result_line(spec, r) == "PASS: soup/a.test (fixed)");
  r.baseline = core::BaselineComparison{std::nullopt, core::Comparison::unchanged};
  CHECK(report::result_line(spec, r) == "PASS: soup/a.test");

  core::RunSummary s;
  s.total = 4;
  s.passed = 2;
  s.failed = 2;
  s.baseline = core::BaselineTotals{1, 1, 1};
  CHECK(report::summary_line(s) == "SUMMARY: total=4; passed=2; skipped=0; failed=2; flaky=0; "
                                   "user=0.0s; system=0.0s; maxrss=0; regressions=1; known=1; "
                                   "fixed=1");
}

TEST_CASE("TAP descriptions and YAML strings are escaped") {
  CHECK(report::tap_escape("a#b\\c\nd") == "a\\#b\\\\c d");
  CHECK(report::yaml_string("say \"hi\"\n\x01") == "\"say \\\"hi\\\"\\n\\x01\"");
  // Line separators are line breaks to TAP 14 and YAML readers: never raw.
  CHECK(report::tap_escape("a\xe2\x80\xa8"
                           "b\xc2\x85"
                           "c\xe2\x80\xa9\xff") == "a b c \xef\xbf\xbd");
  CHECK(report::one_line("x\r\ny") == "x  y");
}

TEST_CASE("the terminal gets no control character from a test, only their escapes") {
  // ESC (CSI, OSC 52 to the clipboard, a title), BEL and NUL as \xNN; tab kept.
  CHECK(report::terminal_line("\x1b[2K\rPASS: x") == "\\x1b[2K\\x0dPASS: x");
  CHECK(report::terminal_line("\x1b]52;c;aGk=\x07") == "\\x1b]52;c;aGk=\\x07");
  CHECK(report::terminal_line(std::string_view{"a\0b\tc\x7f", 6}) == "a\\x00b\tc\\x7f");
  // Line feeds: escaped in a line of ours, kept in a message of several lines.
  CHECK(report::terminal_line("a\nPASS: b") == "a\\x0aPASS: b");
  CHECK(report::terminal_text("a\nb\x1b") == "a\nb\\x1b");
  // C1 controls (U+009B is CSI) by their UTF-8 bytes; bytes that are not UTF-8 one by one.
  CHECK(report::terminal_line("\xc2\x9b"
                              "2J \x9b"
                              "2J \xff") == "\\xc2\\x9b2J \\x9b2J \\xff");
  // Valid UTF-8, backslashes and printable ASCII as they are.
  CHECK(report::terminal_line("caf\xc3\xa9 \xe2\x80\x94 \\x1b \xf0\x9f\x98\x80") ==
        "caf\xc3\xa9 \xe2\x80\x94 \\x1b \xf0\x9f\x98\x80");
}

namespace {

// What the console prints for the events `events` sends it.
std::string console_output(report::ConsoleOptions options,
                           const std::function<void(report::Console&)>& events) {
  char* text = nullptr;
  std::size_t size = 0;
  options.out = ::open_memstream(&text, &size);
  REQUIRE(options.out);
  {
    report::Console console{options};
    events(console);
  }
  std::fclose(options.out);
  std::string result{text, size};
  std::free(text);
  return result;
}

} // namespace

TEST_CASE("the console shows a hostile test's name, reason, points, notes and output escaped") {
  core::TestSpec spec;
  spec.name = "grp/\x1b[32mok\n.test";
  core::TestResult result;
  result.outcome = core::Outcome::fail;
  result.reason = "1 of 1 subtests failed: \x1b]0;title\x07";
  core::SubtestResult point;
  point.name = "\x1b[1A\x1b[2KPASS";
  point.outcome = core::SubtestOutcome::fail;
  result.subtests.push_back(point);
  result.notes.push_back("/tmp/test-tmp-grp_\x1b[32mok.test: left alone");
  result.output_tail = "\x1b[2K\rPASS: x\r\n\x1b]52;c;aGk=\x07\n";
  result.output_bytes = result.output_tail.size();
  report::ConsoleOptions options;
  options.progress = true;
  const std::string text = console_output(options, [&](report::Console& console) {
    console.run_started({1, 1, std::nullopt});
    console.test_started(spec);
    console.test_progress(spec, 1, 2);
    console.test_finished(spec, result);
    console.run_finished(core::RunSummary{});
  });
  INFO(text);
  const std::string name = "grp/\\x1b[32mok\\x0a.test";
  CHECK(text.find("Running test: " + name + "\n") != std::string::npos);
  CHECK(text.find(name + " (1/2)") != std::string::npos); // the progress line
  const std::string fail_line = "FAIL: " + name + " (1 of 1 subtests failed: \\x1b]0;title\\x07)\n";
  CHECK(text.find(fail_line) != std::string::npos);
  CHECK(text.rfind(fail_line) != text.find(fail_line)); // and in the recap
  CHECK(text.find("  not ok: \\x1b[1A\\x1b[2KPASS\n") != std::string::npos);
  CHECK(text.find("  note: /tmp/test-tmp-grp_\\x1b[32mok.test: left alone\n") != std::string::npos);
  // A CRLF line end is a line end; a carriage return anywhere else is shown.
  CHECK(text.find("  | \\x1b[2K\\x0dPASS: x\n") != std::string::npos);
  CHECK(text.find("  | \\x1b]52;c;aGk=\\x07\n") != std::string::npos);
  // The only ESC left is the progress line's own "\r\x1b[K".
  std::string rest = text;
  for (auto at = rest.find("\r\x1b[K"); at != std::string::npos; at = rest.find("\r\x1b[K")) {
    rest.erase(at, 4);
  }
  CHECK(rest.find('\x1b') == std::string::npos);
  CHECK(rest.find('\r') == std::string::npos);
}

TEST_CASE("the progress line is cut to the width, never inside a UTF-8 character") {
  core::TestSpec spec;
  spec.name = "grp/\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9.test";
  report::ConsoleOptions options;
  options.progress = true;
  options.quiet = true;
  options.width = 20;
  const std::string text = console_output(options, [&](report::Console& console) {
    console.run_started({1, 1, std::nullopt});
    console.test_started(spec);
  });
  // "[0/1 0:00] grp/" is 15 bytes, then 16 - 15 = 1 byte of room: not half an "\xc3\xa9".
  CHECK(text.ends_with("[0/1 0:00] grp/..."));
  CHECK(report::is_utf8(text));
}

TEST_CASE("YAML strings escape what YAML forbids even when quoted") {
  const std::string fffd = "\xef\xbf\xbd";
  CHECK(report::yaml_string("\xc2\x85 \xc2\x9b \xef\xbf\xbe") == R"("\x85 \x9b \ufffe")");
  CHECK(report::yaml_string("a\xe2\x80\xa8--- b\xe2\x80\xa9") == R"("a\u2028--- b\u2029")");
  CHECK(report::yaml_string("caf\xc3\xa9 \xff") == "\"caf\xc3\xa9 " + fffd + "\"");
}

TEST_CASE("YAML blocks: each line indented, what YAML cannot carry escaped, else a string") {
  CHECK(report::yaml_block("a\n  b\n\nc\n", "  ") == "|\n  a\n    b\n  \n  c\n");
  CHECK(report::yaml_block("no end", "    ") == "|\n    no end\n");
  // U+2028 breaks a line for YAML 1.1; ESC, CR, NEL, BOM and a stray byte are no text.
  CHECK(report::yaml_block("x\xe2\x80\xa8y: 1\r\x1b\xc2\x85\xef\xbb\xbf\xff\tz\n", "  ") ==
        "|\n  x\\xe2\\x80\\xa8y: 1\\x0d\\x1b\\xc2\\x85\\xef\\xbb\\xbf\\xff\tz\n");
  // The first line would set the block's indentation: a quoted string instead.
  CHECK(report::yaml_block("  indented\nnot\n", "  ") == "\"  indented\\nnot\\n\"\n");
  CHECK(report::yaml_block("\nx", "  ") == "\"\\nx\"\n");
  CHECK(report::yaml_block("", "  ") == "\"\"\n");
}

TEST_CASE("XML text: entities, references for line breaks, nothing XML cannot carry") {
  CHECK(report::xml_text("a<b>&\"c'") == "a&lt;b&gt;&amp;&quot;c&apos;");
  CHECK(report::xml_text("1\n2\t3\r") == "1&#10;2&#9;3&#13;");
  CHECK(report::xml_text(std::string_view("\x1b[31mred\0", 9)) == "\\x1b[31mred\\x00");
  const std::string fffd = "\xef\xbf\xbd";
  CHECK(report::xml_text("\xff\xef\xbf\xbf ok \xf0\x9f\x98\x80") ==
        fffd + fffd + " ok \xf0\x9f\x98\x80");
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

namespace {

// Records what a TAP 14 parser sees: "D:kind text" per event, D being the depth.
class TapEvents final : public tap::EventSink {
public:
  std::vector<std::string> seen;
  void on_event(const tap::Event& event) override {
    const auto depth = std::to_string(event.depth) + ":";
    if (const auto* point = std::get_if<tap::TestPoint>(&event.payload)) {
      seen.push_back(depth + (point->ok ? "ok " : "not ok ") + std::string{point->description} +
                     (point->directive == tap::Directive::skip   ? " SKIP"
                      : point->directive == tap::Directive::todo ? " TODO"
                                                                 : ""));
    } else if (const auto* plan = std::get_if<tap::Plan>(&event.payload)) {
      seen.push_back(depth + "plan " + std::to_string(plan->last));
    } else if (const auto* start = std::get_if<tap::SubtestStart>(&event.payload)) {
      seen.push_back(depth + "subtest " + std::string{start->name});
    } else if (std::holds_alternative<tap::SubtestEnd>(event.payload)) {
      seen.push_back(depth + "end");
    } else if (std::holds_alternative<tap::YamlBlock>(event.payload)) {
      seen.push_back(depth + "yaml");
    } else if (const auto* bail = std::get_if<tap::BailOut>(&event.payload)) {
      seen.push_back(depth + "bail " + std::string{bail->reason});
    }
  }
};

std::string tap_report(const std::function<void(report::Tap&)>& events) {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = ::open_memstream(&text, &size);
  REQUIRE(out);
  {
    report::Tap tap{out};
    events(tap);
  }
  std::fclose(out);
  std::string result{text, size};
  std::free(text);
  return result;
}

} // namespace

TEST_CASE("--tap: a TAP 14 parser reads the test points of Output=TAP tests as subtests") {
  core::TestSpec tap_test;
  tap_test.name = "glib/#timer.test";
  core::TestResult result;
  result.outcome = core::Outcome::fail;
  result.reason = "1 of 4 subtests failed: /b";
  result.exit_status = 0;
  for (auto [name, outcome] :
       {std::pair{"/a", core::SubtestOutcome::pass}, std::pair{"/b", core::SubtestOutcome::fail},
        std::pair{"/c", core::SubtestOutcome::skip}, std::pair{"/d", core::SubtestOutcome::todo}}) {
    core::SubtestResult subtest;
    subtest.name = name;
    subtest.outcome = outcome;
    result.subtests.push_back(subtest);
  }
  core::TestSpec plain;
  plain.name = "glib/plain.test";
  core::TestResult pass;
  pass.outcome = core::Outcome::pass;

  const std::string text = tap_report([&](report::Tap& tap) {
    tap.run_started({3, 1, std::nullopt});
    tap.test_finished(plain, pass);
    tap.test_finished(tap_test, result);
    tap.test_not_run(plain, SIGINT);
    core::RunSummary summary;
    summary.interrupted_by = SIGINT;
    tap.run_finished(summary);
  });
  TapEvents events;
  tap::Parser parser{events};
  parser.feed(text);
  parser.finish();
  INFO(fmt::format("{}", fmt::join(events.seen, " | ")));
  CHECK(events.seen == std::vector<std::string>{
                           "0:plan 3",
                           "0:ok glib/plain.test",
                           "1:subtest glib/#timer.test",
                           "1:plan 4",
                           "1:ok /a",
                           "1:not ok /b",
                           "1:ok /c SKIP",
                           "1:not ok /d TODO",
                           "1:end",
                           "0:not ok glib/#timer.test",
                           "0:yaml",
                           "0:ok glib/plain.test SKIP",
                           "0:bail interrupted by SIGINT",
                       });
  // The verdict of the whole stream agrees: three points, one failed, one skipped, bailed out.
  tap::Tally tally;
  tap::Parser judge{tally};
  judge.feed(text);
  judge.finish();
  CHECK(tally.counts().points == 3);
  CHECK(tally.counts().failed == 1);
  CHECK(tally.verdict(0).outcome == core::Outcome::fail);
}

TEST_CASE("JUnit classnames and tmt names and durations") {
  CHECK(report::junit_classname("glib/timer.test") == "glib.timer");
  CHECK(report::junit_classname("gtk-4.0/gtk/label.test") == "gtk-4_0.gtk.label");
  CHECK(report::junit_classname("plain") == "plain");
  CHECK(report::tmt_name("glib/timer.test") == "/glib/timer");
  CHECK(report::tmt_name("gtk-4.0/gtk/label.test") == "/gtk-4.0/gtk/label");
  CHECK(report::tmt_duration(std::chrono::milliseconds{999}) == "00:00:00");
  CHECK(report::tmt_duration(std::chrono::seconds{3725}) == "01:02:05");
  CHECK(report::tmt_duration(std::chrono::hours{100} + std::chrono::seconds{59}) == "100:00:59");
}

TEST_CASE("the console shows a backtrace after the FAIL line and its notes, before the output, "
          "escaped") {
  const auto spec = testing::spec_named("grp/crash.test");
  auto result = testing::crashed_result();
  result.notes.push_back("a note");
  report::ConsoleOptions options;
  options.quiet = true; // failures are shown whole all the same
  const std::string text = console_output(
      options, [&](report::Console& console) { console.test_finished(spec, result); });
  INFO(text);
  CHECK(text == "FAIL: grp/crash.test (killed by SIGSEGV)\n"
                "  note: a note\n"
                "  Backtrace of grp/crash.test from its core (2.1 MB, kept as "
                "/reports/grp_crash.test/core):\n"
                "  process 4242 (/usr/libexec/grp/crash): 2 threads\n"
                "    thread 4243 (worker), crashed:\n"
                "      #0  explode\\x1b[2J at crash.c:7 (/grp/crash)\n"
                "      #1  0x00007f0a2c3e0abc (/lib/libc.so.6)\n"
                "      ... (the frames stop at the tool's limit)\n"
                "    thread 4242 (crash):\n"
                "      #0  wait_for_worker at crash.c:20 (/grp/crash)\n"
                "      #1  main at crash.c:30 (/grp/crash)\n"
                "  process 4241 (/usr/libexec/grp/helper --serve): 1 thread\n"
                "    (incomplete: thread 4244 vanished)\n"
                "    thread 4241 (helper):\n"
                "      #0  poll (/lib/libc.so.6)\n"
                "  | working\n");
}

TEST_CASE("the console says when live stacks were taken, and shows a failed run's before it "
          "runs again") {
  const auto spec = testing::spec_named("grp/\x1b[2Jhang.test");
  core::TestResult hung;
  hung.outcome = core::Outcome::timeout;
  hung.reason = "timed out after 5 s";
  hung.backtrace = testing::crash_backtrace();
  hung.backtrace->source = core::BacktraceSource::timeout;
  hung.backtrace->took = std::chrono::milliseconds{1234};
  core::TestResult stopped;
  stopped.outcome = core::Outcome::interrupted;
  stopped.reason = "interrupted";
  stopped.backtrace = hung.backtrace;
  stopped.backtrace->source = core::BacktraceSource::interrupt;
  stopped.backtrace->took = std::chrono::milliseconds{50};
  auto crashed = testing::crashed_result();
  crashed.backtrace->core_file.reset();
  crashed.backtrace->core_bytes = 812;
  const std::string text = console_output({}, [&](report::Console& console) {
    console.test_rerun(spec, hung);
    console.test_finished(spec, stopped);
    console.test_finished(spec, crashed);
  });
  INFO(text);
  const std::string name = "grp/\\x1b[2Jhang.test";
  CHECK(text.find("RERUN: " + name + " (run 1: timed out after 5 s)\n  Stacks of " + name +
                  "'s processes when it timed out (captured in 1.23 s):\n  process 4242 ") !=
        std::string::npos);
  CHECK(text.find("FAIL: " + name + " (interrupted)\n  Stacks of " + name +
                  "'s processes when the run was interrupted (captured in 0.05 s):\n") !=
        std::string::npos);
  CHECK(text.find("  Backtrace of " + name + " from its core (812 bytes, not kept):\n") !=
        std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
}
