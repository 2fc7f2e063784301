#include "cli/merge.hpp"

#include "core/outcome.hpp"
#include "report/json.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <signal.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace ginsttest;
namespace fs = std::filesystem;

namespace {

// The events a reporter gets, one word each, and the results it was given.
class RecordingReporter final : public report::Reporter {
public:
  std::vector<std::string> events;
  std::vector<core::TestResult> results;
  void run_started(const report::RunInfo& info) override {
    events.push_back(fmt::format("run of {}", info.total));
    CHECK_FALSE(info.seed);
  }
  void test_started(const core::TestSpec& spec) override { events.push_back("start " + spec.name); }
  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override {
    events.push_back(std::string{core::label(result.outcome)} + " " + spec.name);
    results.push_back(result);
  }
  void test_not_run(const core::TestSpec& spec, int signo) override {
    events.push_back("not run " + spec.name + " " + core::signal_name(signo));
  }
  void run_finished(const core::RunSummary& summary) override {
    events.push_back(fmt::format("done {}", summary.total));
  }
};

// Results files in a fresh directory.
struct Files {
  util::Expected<util::TempDir> dir =
      util::TempDir::create(fs::temp_directory_path(), "unit", util::Stamp::no);

  // Writes `lines`, one record each, to NAME and gives its path.
  fs::path write(const std::string& name, const std::vector<std::string>& lines) {
    const auto path = dir->path() / name;
    std::ofstream out{path};
    for (const auto& line : lines) {
      out << line << '\n';
    }
    return path;
  }
};

std::string test_record(const std::string& name, const std::string& outcome,
                        const std::string& more = "") {
  return fmt::format(R"({{"record":"test","name":"{}","file":"/t/{}","outcome":"{}"{}}})", name,
                     name, outcome, more.empty() ? "" : "," + more);
}

std::string summary_record(const std::string& members = R"("complete":true)") {
  return R"({"record":"summary",)" + members + "}";
}

std::string not_run_record(const std::string& name, const std::string& signal) {
  return fmt::format(R"({{"record":"not-run","name":"{}","file":"/t/{}","reason":)"
                     R"("interrupted by {}"}})",
                     name, name, signal);
}

} // namespace

TEST_CASE("the shards' results are reported as one run") {
  Files files;
  const auto a = files.write(
      "a.json", {test_record("s/pass.test", "pass"),
                 test_record("s/fail.test", "fail",
                             R"("reason":"exited with status 3","exit_status":3,)"
                             R"("output_tail":"boom\n","user_seconds":1.5,"maxrss_kb":900)"),
                 summary_record()});
  const auto b =
      files.write("b.json", {test_record("s/skip.test", "skip", R"("maxrss_kb":2000)"),
                             test_record("s/excl.test", "pass", R"("type":"session-exclusive")"),
                             summary_record()});
  auto runs = cli::MergedRuns::read({a, b});
  REQUIRE(runs);
  CHECK(runs->total() == 4);
  CHECK(runs->warnings().empty());
  CHECK_FALSE(runs->interrupted_by());
  RecordingReporter reporter;
  const auto summary = runs->replay(reporter);
  CHECK(reporter.events == std::vector<std::string>{"run of 4", "start s/pass.test",
                                                    "PASS s/pass.test", "start s/fail.test",
                                                    "FAIL s/fail.test", "start s/skip.test",
                                                    "SKIP s/skip.test", "start s/excl.test",
                                                    "PASS s/excl.test", "done 4"});
  // The results as the files have them.
  REQUIRE(reporter.results.size() == 4);
  CHECK(reporter.results[1].reason == "exited with status 3");
  CHECK(reporter.results[1].exit_status == 3);
  CHECK(reporter.results[1].output_tail == "boom\n");
  // Counted as a run counts them.
  CHECK(summary.total == 4);
  CHECK(summary.passed == 2);
  CHECK(summary.skipped == 1);
  CHECK(summary.failed == 1);
  CHECK(summary.user_seconds == doctest::Approx(1.5));
  CHECK(summary.maxrss_kb == 2000);
  CHECK(summary.complete());
  CHECK(summary.tests_failed());
  CHECK_FALSE(summary.baseline);

  // Only passes: the merged run passes.
  auto passing = cli::MergedRuns::read({b});
  REQUIRE(passing);
  RecordingReporter quiet;
  CHECK_FALSE(passing->replay(quiet).tests_failed());
}

TEST_CASE("a test in two of the files is an error naming both") {
  Files files;
  const auto a = files.write("a.json", {test_record("s/one.test", "pass"),
                                        test_record("s/both.test", "pass"), summary_record()});
  const auto b = files.write("b.json", {test_record("s/two.test", "pass"),
                                        test_record("s/both.test", "fail"), summary_record()});
  auto runs = cli::MergedRuns::read({a, b});
  REQUIRE_FALSE(runs);
  CHECK(runs.error().what == fmt::format("--merge: test s/both.test is in {}:2 and in {}:2: the "
                                         "runs to merge must not share a test",
                                         a.string(), b.string()));
  // A test that ran in one and was not run in the other is in both too.
  const auto c = files.write(
      "c.json", {not_run_record("s/one.test", "SIGINT"), summary_record(R"("complete":false)")});
  auto with_not_run = cli::MergedRuns::read({a, c});
  REQUIRE_FALSE(with_not_run);
  CHECK(with_not_run.error().what.starts_with(
      fmt::format("--merge: test s/one.test is in {}:1 and in {}:1", a.string(), c.string())));
  // Twice in one file.
  const auto d = files.write("d.json", {test_record("s/x.test", "pass"),
                                        test_record("s/x.test", "fail"), summary_record()});
  auto twice = cli::MergedRuns::read({d});
  REQUIRE_FALSE(twice);
  CHECK(twice.error().what.starts_with(
      fmt::format("--merge: test s/x.test is in {}:1 and in {}:2", d.string(), d.string())));
  // The same file named twice.
  auto same = cli::MergedRuns::read({a, files.dir->path() / "." / "a.json"});
  REQUIRE_FALSE(same);
  CHECK(same.error().what == fmt::format("--merge {}: the same file as --merge {}",
                                         (files.dir->path() / "." / "a.json").string(),
                                         a.string()));
}

TEST_CASE("a file that cannot be merged is an error naming it and the line") {
  Files files;
  const auto good = files.write("good.json", {test_record("s/a.test", "pass"), summary_record()});
  const auto bad = files.write("bad.json", {test_record("s/b.test", "pass"), "{\"record\":"});
  auto runs = cli::MergedRuns::read({good, bad});
  REQUIRE_FALSE(runs);
  CHECK(runs.error().what.starts_with("--merge " + bad.string() + ":2: not JSON"));
  const auto xml = files.write("junit.xml", {"<?xml version=\"1.0\"?>", "<testsuites/>"});
  auto not_json = cli::MergedRuns::read({good, xml});
  REQUIRE_FALSE(not_json);
  CHECK(not_json.error().what.starts_with("--merge " + xml.string() + ":1: not JSON"));
  auto missing = cli::MergedRuns::read({good, files.dir->path() / "missing.json"});
  REQUIRE_FALSE(missing);
  CHECK(missing.error().what ==
        "--merge " + (files.dir->path() / "missing.json").string() + ": No such file or directory");
}

TEST_CASE("an interrupted run's file: merged, and the merged run is incomplete") {
  Files files;
  const auto whole = files.write("whole.json", {test_record("s/a.test", "pass"), summary_record()});
  const auto stopped = files.write(
      "stopped.json", {test_record("s/b.test", "interrupted"),
                       not_run_record("s/c.test", "SIGTERM"), not_run_record("s/d.test", "SIGTERM"),
                       summary_record(R"("complete":false,"interrupted_by":"SIGTERM")")});
  auto runs = cli::MergedRuns::read({whole, stopped});
  REQUIRE(runs);
  CHECK(runs->total() == 4);
  CHECK(runs->interrupted_by() == SIGTERM);
  CHECK(runs->warnings() ==
        std::vector<std::string>{"--merge " + stopped.string() +
                                 ": its run was interrupted by SIGTERM (2 tests not run); the "
                                 "merged run is incomplete"});
  RecordingReporter reporter;
  const auto summary = runs->replay(reporter);
  CHECK(reporter.events == std::vector<std::string>{"run of 4", "start s/a.test", "PASS s/a.test",
                                                    "start s/b.test", "INTERRUPTED s/b.test",
                                                    "not run s/c.test SIGTERM",
                                                    "not run s/d.test SIGTERM", "done 4"});
  CHECK(summary.interrupted_by == SIGTERM);
  CHECK_FALSE(summary.complete());
  CHECK(summary.total == 4);
  CHECK(summary.passed + summary.failed + summary.skipped == 2);

  // Killed before its summary: SIGINT, as nothing says which signal it was.
  const auto killed = files.write("killed.json", {test_record("s/e.test", "pass")});
  auto with_killed = cli::MergedRuns::read({whole, killed});
  REQUIRE(with_killed);
  CHECK(with_killed->interrupted_by() == SIGINT);
  REQUIRE(with_killed->warnings().size() == 1);
  CHECK(with_killed->warnings()[0] == "--merge " + killed.string() +
                                          ": it has no summary record (its run was killed?); "
                                          "the merged run is incomplete");
  RecordingReporter killed_reporter;
  CHECK_FALSE(with_killed->replay(killed_reporter).complete());
  // A signal that is not a stop signal: SIGINT too, so that the status is an interrupted run's.
  const auto odd = files.write("odd.json", {test_record("s/g.test", "pass"),
                                            summary_record(R"("complete":false,)"
                                                           R"("interrupted_by":"SIGSEGV")")});
  auto with_odd = cli::MergedRuns::read({odd});
  REQUIRE(with_odd);
  CHECK(with_odd->interrupted_by() == SIGINT);

  // The first incomplete file gives the signal; each not-run test keeps its own run's.
  const auto hung_up =
      files.write("hup.json", {not_run_record("s/f.test", "SIGHUP"),
                               summary_record(R"("complete":false,"interrupted_by":"SIGHUP")")});
  auto both = cli::MergedRuns::read({hung_up, stopped});
  REQUIRE(both);
  CHECK(both->interrupted_by() == SIGHUP);
  RecordingReporter both_reporter;
  both->replay(both_reporter);
  CHECK(both_reporter.events ==
        std::vector<std::string>{"run of 4", "start s/b.test", "INTERRUPTED s/b.test",
                                 "not run s/f.test SIGHUP", "not run s/c.test SIGTERM",
                                 "not run s/d.test SIGTERM", "done 4"});
}

TEST_CASE("a --repeat run's file makes a FLAKY test fail the merged run") {
  Files files;
  const auto flaky = test_record("s/flaky.test", "flaky", R"("runs":3)");
  const auto repeated =
      files.write("repeat.json", {flaky, summary_record(R"("complete":true,"flaky_fails":true)")});
  const auto other = files.write("other.json", {test_record("s/a.test", "pass"), summary_record()});
  auto runs = cli::MergedRuns::read({other, repeated});
  REQUIRE(runs);
  RecordingReporter reporter;
  const auto summary = runs->replay(reporter);
  CHECK(summary.flaky == 1);
  CHECK(summary.flaky_fails);
  CHECK(summary.tests_failed());
  // Not a --repeat run: FLAKY passes.
  const auto retried = files.write("retry.json", {flaky, summary_record()});
  auto retries = cli::MergedRuns::read({other, retried});
  REQUIRE(retries);
  RecordingReporter retry_reporter;
  const auto retry_summary = retries->replay(retry_reporter);
  CHECK(retry_summary.flaky == 1);
  CHECK_FALSE(retry_summary.tests_failed());
}

TEST_CASE("baseline comparisons in the files are counted, and decide the status") {
  Files files;
  const auto a = files.write(
      "a.json",
      {test_record("s/known.test", "fail",
                   R"("baseline":{"outcome":"fail","comparison":"known-failure"})"),
       test_record("s/fixed.test", "pass", R"("baseline":{"outcome":"fail","comparison":"fixed"})"),
       summary_record()});
  const auto b = files.write(
      "b.json", {test_record("s/new.test", "fail",
                             R"("baseline":{"outcome":null,"comparison":"regression"})"),
                 summary_record()});
  auto known_only = cli::MergedRuns::read({a});
  REQUIRE(known_only);
  RecordingReporter reporter;
  const auto known = known_only->replay(reporter);
  REQUIRE(known.baseline);
  CHECK(known.baseline->known_failures == 1);
  CHECK(known.baseline->fixed == 1);
  CHECK(known.failed == 1);
  CHECK_FALSE(known.tests_failed()); // a known failure does not fail the run
  auto with_regression = cli::MergedRuns::read({a, b});
  REQUIRE(with_regression);
  RecordingReporter regression_reporter;
  const auto regressed = with_regression->replay(regression_reporter);
  REQUIRE(regressed.baseline);
  CHECK(regressed.baseline->regressions == 1);
  CHECK(regressed.tests_failed());
}

TEST_CASE("a backtrace goes through the merge as its run wrote it") {
  Files files;
  const std::string backtrace =
      R"("backtrace":{"source":"core","took_ms":250,"core_file":"/r/core","core_bytes":2150000,)"
      R"("processes":[{"pid":7,"command":"./crash","threads":[{"tid":8,"name":"worker",)"
      R"("crashed":true,"frames_cut":true,"frames":[{"address":"0xffffffffff600000",)"
      R"("function":"explode\u001b","file":"crash.c","line":7,"module":"/t/crash"},)"
      R"({"address":"0x0"}]}]},{"pid":9,"error":"gone","threads":[]}]})";
  const auto a = files.write("a.json", {test_record("s/crash.test", "fail", backtrace),
                                        test_record("s/pass.test", "pass"), summary_record()});
  auto runs = cli::MergedRuns::read({a});
  REQUIRE(runs);
  RecordingReporter reporter;
  runs->replay(reporter);
  REQUIRE(reporter.results.size() == 2);
  REQUIRE(reporter.results[0].backtrace);
  const auto& read = *reporter.results[0].backtrace;
  CHECK(read.source == core::BacktraceSource::core);
  REQUIRE(read.processes.size() == 2);
  CHECK(read.processes[0].threads.at(0).frames.at(0).address == 0xffffffffff600000);
  CHECK(read.processes[0].threads.at(0).frames.at(0).function == "explode\x1b");
  CHECK(read.processes[1].error == "gone");
  CHECK_FALSE(reporter.results[1].backtrace);

  // Written again by --json: the same member, to the byte.
  const auto merged = files.dir->path() / "merged.json";
  {
    auto json = report::Json::open(merged);
    REQUIRE(json);
    runs->replay(**json);
  }
  std::ostringstream text;
  text << std::ifstream{merged}.rdbuf();
  INFO(text.str());
  CHECK(text.str().find("," + backtrace + "}\n") != std::string::npos);
  CHECK(text.str().find("backtrace") == text.str().rfind("backtrace"));
}
