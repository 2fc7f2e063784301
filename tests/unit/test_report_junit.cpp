#include "report/junit.hpp"

#include "report_results.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace ginsttest;
namespace fs = std::filesystem;

namespace {

// The JUnit file written for `results`, and whether the schema test_junit.sh validates against
// accepts it (when xmllint is installed).
struct JunitFile {
  std::string text;
  bool valid = true;
};

JunitFile junit_of(const std::vector<std::pair<core::TestSpec, core::TestResult>>& results) {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "junit");
  REQUIRE(dir);
  const fs::path file = dir->path() / "junit.xml";
  {
    auto junit = report::Junit::open(file);
    REQUIRE(junit);
    (*junit)->run_started({results.size(), 1, std::nullopt});
    core::RunSummary summary;
    for (const auto& [spec, result] : results) {
      (*junit)->test_finished(spec, result);
      summary.add(result);
    }
    (*junit)->run_finished(summary);
  }
  JunitFile out;
  std::ostringstream text;
  text << std::ifstream{file}.rdbuf();
  out.text = text.str();
  const std::string xsd = GINSTTEST_SHARED_DATA "/junit/jenkins-xunit-junit-10.xsd";
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0 && fs::exists(xsd)) {
    out.valid =
        std::system(
            fmt::format("xmllint --noout --schema '{}' '{}' >&2", xsd, file.string()).c_str()) == 0;
  }
  return out;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    n++;
  }
  return n;
}

} // namespace

TEST_CASE("--junit: a FLAKY test has flakyFailure elements and no failure; one failing every "
          "run has rerunFailure elements after its failure") {
  const auto file =
      junit_of({{testing::spec_named("grp/flaky.test"), testing::flaky_result()},
                {testing::spec_named("grp/broken.test"), testing::failed_every_run_result()}});
  INFO(file.text);
  CHECK(file.valid);
  const auto flaky = file.text.substr(0, file.text.find("grp/broken.test"));
  const auto broken = file.text.substr(file.text.find("grp/broken.test"));

  CHECK(flaky.find(R"(tests="1" failures="0" errors="0" skipped="0")") != std::string::npos);
  CHECK(flaky.find("<failure") == std::string::npos);
  CHECK(flaky.find(R"(      <property name="outcome" value="flaky"/>)"
                   "\n") != std::string::npos);
  CHECK(flaky.find(R"(<property name="runs" value="2"/>)") != std::string::npos);
  CHECK(flaky.find(R"(<property name="failed_runs" value="1"/>)") != std::string::npos);
  // Each run's log, in run order.
  CHECK(flaky.find(R"(<property name="log" value="/logs/grp_flaky.test.txt"/>)"
                   "\n"
                   R"(      <property name="log" value="/logs/grp_flaky.test@2.txt"/>)") !=
        std::string::npos);
  CHECK(flaky.find(R"(      <flakyFailure type="FAIL" message="run 1: exited with status 1">)"
                   "\n"
                   "        <system-out>first run &lt;broken&gt;&#10;</system-out>\n"
                   "      </flakyFailure>\n") != std::string::npos);

  CHECK(broken.find(R"(tests="1" failures="1" errors="0")") != std::string::npos);
  CHECK(broken.find(R"(<property name="runs" value="3"/>)") != std::string::npos);
  CHECK(broken.find(R"(<property name="failed_runs" value="3"/>)") != std::string::npos);
  CHECK(count(broken, R"(<property name="log" )") == 3);
  // The failure is the last run's; the two runs before it follow it, the last is not repeated.
  const auto failure = broken.find(R"(<failure type="FAIL")");
  const auto first =
      broken.find(R"(<rerunFailure type="FAIL" message="run 1: exited with status 2">)");
  const auto second =
      broken.find(R"(<rerunFailure type="TIMEOUT" message="run 2: timed out after 1 s">)");
  CHECK(failure < first);
  CHECK(first < second);
  CHECK(second != std::string::npos);
  CHECK(broken.find("run 3:") == std::string::npos);
  CHECK(count(broken, "<rerunFailure") == 2);
  CHECK(broken.find("<system-out>third run&#10;</system-out>\n    </testcase>") !=
        std::string::npos);
  // The root's totals: FLAKY is no failure.
  CHECK(file.text.find(R"(tests="2" failures="1" errors="0")") != std::string::npos);
}

TEST_CASE("--junit: a FLAKY test with test points gets a testcase of its own for its failed "
          "runs; an ERROR run is a flakyError") {
  auto result = testing::flaky_result();
  result.failed_runs.front().outcome = core::Outcome::error;
  result.failed_runs.front().reason = "/bin/prog: No such file or directory";
  result.failed_runs.front().output_tail.clear();
  for (const char* name : {"/a", "/b"}) {
    core::SubtestResult point;
    point.name = name;
    result.subtests.push_back(point);
  }
  const auto file = junit_of({{testing::spec_named("grp/flaky.test"), result}});
  INFO(file.text);
  CHECK(file.valid);
  CHECK(file.text.find(R"(tests="3" failures="0" errors="0" skipped="0")") != std::string::npos);
  CHECK(file.text.find(R"(<testcase name="/a" classname="grp.flaky")") != std::string::npos);
  CHECK(file.text.find(R"(<testcase name="grp/flaky.test" classname="grp.flaky")"
                       R"( time="0.020">)"
                       "\n"
                       R"(      <flakyError type="ERROR")"
                       R"( message="run 1: /bin/prog: No such file or directory"/>)"
                       "\n    </testcase>\n") != std::string::npos);
}

TEST_CASE("--junit: a test that ran once has its counts, and no rerun elements") {
  core::TestResult failed;
  failed.outcome = core::Outcome::fail;
  failed.reason = "exited with status 1";
  failed.failed_runs.emplace_back().reason = failed.reason;
  const auto file = junit_of({{testing::spec_named("grp/once.test"), failed}});
  INFO(file.text);
  CHECK(file.valid);
  CHECK(file.text.find(R"(<property name="runs" value="1"/>)") != std::string::npos);
  CHECK(file.text.find(R"(<property name="failed_runs" value="1"/>)") != std::string::npos);
  CHECK(file.text.find("rerun") == std::string::npos);
  CHECK(count(file.text, "<failure ") == 1);
}

TEST_CASE("--junit: a backtrace is the text of the verdict's failure, before the output") {
  const auto crashed = testing::crashed_result();
  core::TestResult hung;
  hung.outcome = core::Outcome::timeout;
  hung.reason = "timed out after 5 s";
  hung.backtrace = testing::crash_backtrace();
  hung.output_tail = "tick\n";
  for (const auto outcome : {core::SubtestOutcome::pass, core::SubtestOutcome::fail}) {
    core::SubtestResult point;
    point.name = outcome == core::SubtestOutcome::pass ? "/a" : "/b";
    point.outcome = outcome;
    point.diagnostics = "got: 2\n";
    hung.subtests.push_back(point);
  }
  const auto file = junit_of({{testing::spec_named("grp/crash.test"), crashed},
                              {testing::spec_named("grp/hang.test"), hung}});
  INFO(file.text);
  CHECK(file.valid);
  // Line breaks as references, the ESC of a function's name as text.
  const std::string stacks = "process 4242 (/usr/libexec/grp/crash): 2 threads&#10;"
                             "  thread 4243 (worker), crashed:&#10;"
                             "    #0  explode\\x1b[2J at crash.c:7 (/grp/crash)&#10;";
  CHECK(file.text.find(R"(<failure type="FAIL" message="killed by SIGSEGV">)" + stacks) !=
        std::string::npos);
  CHECK(file.text.find("    #0  poll (/lib/libc.so.6)&#10;</failure>\n"
                       "      <system-out>working&#10;</system-out>\n") != std::string::npos);
  // A TAP test: the failed point has the verdict, its stacks before its diagnostics.
  CHECK(file.text.find(R"(<failure type="fail" message="test point failed">)" + stacks) !=
        std::string::npos);
  CHECK(file.text.find("(/lib/libc.so.6)&#10;got: 2&#10;</failure>\n"
                       "      <system-out>tick&#10;</system-out>") != std::string::npos);
  CHECK(count(file.text, "process 4242") == 2);
  CHECK(file.text.find('\x1b') == std::string::npos);
}

TEST_CASE("--junit: an interrupted test's stacks are the text of its error") {
  core::TestResult stopped;
  stopped.outcome = core::Outcome::interrupted;
  stopped.reason = "interrupted";
  stopped.backtrace = testing::crash_backtrace();
  stopped.backtrace->source = core::BacktraceSource::interrupt;
  const auto file = junit_of({{testing::spec_named("grp/stopped.test"), stopped}});
  INFO(file.text);
  CHECK(file.valid);
  CHECK(file.text.find(R"(<error type="INTERRUPTED" message="interrupted">process 4242 )") !=
        std::string::npos);
}
