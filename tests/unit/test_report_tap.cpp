#include "report/tap.hpp"

#include "report_results.hpp"
#include "tap/parser.hpp"
#include "tap/verdict.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace ginsttest;

namespace {

// The YAML blocks a TAP parser finds in `text`, in order, and the points it counts.
struct Seen final : public tap::EventSink {
  std::vector<std::string> yaml;
  std::vector<std::string> points;
  void on_event(const tap::Event& event) override {
    if (const auto* block = std::get_if<tap::YamlBlock>(&event.payload)) {
      yaml.emplace_back(block->text);
    } else if (const auto* point = std::get_if<tap::TestPoint>(&event.payload)) {
      points.push_back((point->ok ? "ok " : "not ok ") + std::string{point->description});
    }
  }
};

std::string tap_of(const std::vector<std::pair<core::TestSpec, core::TestResult>>& results) {
  return testing::written([&](std::FILE* out) {
    report::Tap tap{out};
    tap.run_started({results.size(), 1, std::nullopt});
    for (const auto& [spec, result] : results) {
      tap.test_finished(spec, result);
    }
    tap.run_finished(core::RunSummary{});
  });
}

} // namespace

TEST_CASE("--tap: a FLAKY test is ok with a YAML block of its runs; one failing every run says "
          "its runs") {
  core::TestResult repeated_pass;
  repeated_pass.outcome = core::Outcome::pass;
  repeated_pass.runs = 3;
  const std::string text =
      tap_of({{testing::spec_named("grp/flaky.test"), testing::flaky_result()},
              {testing::spec_named("grp/broken.test"), testing::failed_every_run_result()},
              {testing::spec_named("grp/pass.test"), repeated_pass}});
  INFO(text);
  Seen seen;
  tap::Parser parser{seen};
  parser.feed(text);
  parser.finish();
  CHECK(seen.points == std::vector<std::string>{"ok grp/flaky.test", "not ok grp/broken.test",
                                                "ok grp/pass.test"});
  // A clean pass, however many times it ran, has no block.
  REQUIRE(seen.yaml.size() == 2);
  CHECK(text.find("ok 1 - grp/flaky.test\n  ---\n  outcome: FLAKY\n") != std::string::npos);
  // The parser gives each block without its indentation.
  CHECK(seen.yaml[0].find("reason: \"failed 1 of 2 runs, first: exited with status 1\"\n") !=
        std::string::npos);
  CHECK(seen.yaml[0].find("runs: 2\nfailed_runs: 1\nfailures:\n"
                          "  - run: 1\n    outcome: FAIL\n"
                          "    reason: \"exited with status 1\"\n    duration_ms: 30\n"
                          "    log: \"/logs/grp_flaky.test.txt\"\n") != std::string::npos);
  CHECK(seen.yaml[1].find("outcome: FAIL\n") == 0);
  CHECK(seen.yaml[1].find("runs: 3\nfailed_runs: 3\n") != std::string::npos);
  CHECK(seen.yaml[1].find("  - run: 2\n    outcome: TIMEOUT\n"
                          "    reason: \"timed out after 1 s\"\n") != std::string::npos);
  CHECK(seen.yaml[1].find("    log: \"/logs/grp_broken.test@3.txt\"\n") != std::string::npos);

  // The stream's verdict: one failure among three points; FLAKY counts as passed.
  tap::Tally tally;
  tap::Parser judge{tally};
  judge.feed(text);
  judge.finish();
  CHECK(tally.counts().points == 3);
  CHECK(tally.counts().failed == 1);
}

TEST_CASE("--tap: a test that ran once has no run counts in its YAML block") {
  core::TestResult failed;
  failed.outcome = core::Outcome::fail;
  failed.reason = "exited with status 1";
  failed.exit_status = 1;
  core::FailedRun itself;
  itself.reason = failed.reason;
  failed.failed_runs.push_back(itself);
  const std::string text = tap_of({{testing::spec_named("grp/once.test"), failed}});
  INFO(text);
  CHECK(text.find("  outcome: FAIL\n  reason: \"exited with status 1\"\n  exit_status: 1\n") !=
        std::string::npos);
  CHECK(text.find("runs:") == std::string::npos);
  CHECK(text.find("failures:") == std::string::npos);
}

TEST_CASE("--tap: a failed test's backtrace is a literal block in its YAML, escaped") {
  const auto spec = testing::spec_named("grp/crash.test");
  const std::string text = tap_of({{spec, testing::crashed_result()}});
  INFO(text);
  Seen seen;
  tap::Parser parser{seen};
  parser.feed(text);
  parser.finish();
  CHECK(seen.points == std::vector<std::string>{"not ok grp/crash.test"});
  REQUIRE(seen.yaml.size() == 1);
  // Last in the block, each line indented under its key.
  CHECK(seen.yaml[0].find("duration_ms: 40\n"
                          "backtrace: |\n"
                          "  process 4242 (/usr/libexec/grp/crash): 2 threads\n"
                          "    thread 4243 (worker), crashed:\n"
                          "      #0  explode\\x1b[2J at crash.c:7 (/grp/crash)\n"
                          "      #1  0x00007f0a2c3e0abc (/lib/libc.so.6)\n") != std::string::npos);
  CHECK(seen.yaml[0].ends_with("  thread 4241 (helper):\n      #0  poll (/lib/libc.so.6)\n"));
  CHECK(text.find('\x1b') == std::string::npos);
  // The block ends where it should: one point, failed.
  tap::Tally tally;
  tap::Parser judge{tally};
  judge.feed(text);
  judge.finish();
  CHECK(tally.counts().points == 1);
  CHECK(tally.counts().failed == 1);
}
