#include "history/results_file.hpp"

#include "report/json.hpp"
#include "report_results.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <signal.h>

#include <fstream>

using namespace ginsttest;
namespace fs = std::filesystem;
using core::Outcome;
using history::read_results_file;

namespace {

using namespace std::chrono_literals;

// A file in a fresh directory, written as text or by the --json reporter, and read back.
struct ResultsFileFixture {
  util::Expected<util::TempDir> dir =
      util::TempDir::create(fs::temp_directory_path(), "unit", util::Stamp::no);
  fs::path path = dir->path() / "results.json";

  util::Expected<history::ResultsFile> read(const std::string& text) {
    std::ofstream{path} << text;
    return read_results_file(path, "--merge");
  }
  // The error of reading `text`, which must be one of the content.
  std::string error(const std::string& text) {
    auto results = read(text);
    REQUIRE_FALSE(results);
    CHECK(results.error().kind == util::ErrorKind::parse);
    return results.error().what;
  }
};

// A result with every member the --json file has set to something that is not its default.
core::TestResult full_result() {
  core::TestResult result;
  result.outcome = Outcome::flaky;
  result.reason = "failed 1 of 3 runs, first: exited with status 3";
  result.exit_status = 0;
  result.started = std::chrono::system_clock::time_point{1'763'802'082'123ms};
  result.duration = 1'250ms;
  result.output_tail = "line 1\n\xff bad byte\nlast\n";
  result.output_bytes = 123456;
  result.log_file = "/logs/grp_a.test.txt";
  result.kept_dir = "/kept/grp_a.test";
  result.user_seconds = 0.5;
  result.system_seconds = 0.25;
  result.maxrss_kb = 4096;
  result.subtests = {{"/a", core::SubtestOutcome::pass, "", "", 10ms},
                     {"/b", core::SubtestOutcome::todo, "later", "", 20ms},
                     {"/c", core::SubtestOutcome::skip, "no fuse", "", 0ms}};
  result.subtests_not_kept = 7;
  result.notes = {"1 process left behind", "another note"};
  result.baseline = core::BaselineComparison{Outcome::fail, core::Comparison::fixed};
  result.runs = 3;
  result.failed_runs = {core::FailedRun{2, Outcome::timeout, "timed out after 1 s", 1s,
                                        "tail of run 2\n", "/logs/run2.txt", std::nullopt}};
  result.backtrace = testing::crash_backtrace();
  return result;
}

} // namespace

TEST_CASE("what --json writes is read back as it was") {
  ResultsFileFixture file;
  core::TestSpec spec;
  spec.name = "grp/a.test";
  spec.file = "/usr/share/installed-tests/grp/a.test";
  spec.root = "/usr/share/installed-tests";
  spec.type = core::TestType::session_exclusive;
  const auto written = full_result();
  core::TestSpec killed = spec;
  killed.name = "grp/killed.test";
  core::TestResult killed_result;
  killed_result.outcome = Outcome::fail;
  killed_result.reason = "killed by SIGSEGV";
  killed_result.signal = SIGSEGV;
  core::TestSpec never = spec;
  never.name = "grp/never.test";
  core::RunSummary summary;
  summary.total = 3;
  summary.interrupted_by = SIGTERM;
  summary.flaky_fails = true;
  summary.baseline.emplace();
  {
    auto json = report::Json::open(file.path);
    REQUIRE(json);
    (*json)->test_finished(spec, written);
    (*json)->test_finished(killed, killed_result);
    (*json)->test_not_run(never, SIGTERM);
    (*json)->run_finished(summary);
  }
  const auto results = read_results_file(file.path, "--merge");
  REQUIRE(results);
  CHECK(results->path == file.path);
  REQUIRE(results->tests.size() == 2);
  const auto& [read_spec, read, line] = results->tests[0];
  CHECK(line == 1);
  CHECK(read_spec.name == spec.name);
  CHECK(read_spec.file == spec.file);
  CHECK(read_spec.root == spec.root);
  CHECK(read_spec.type == core::TestType::session_exclusive);
  CHECK(read_spec.output_tap); // it has test points
  CHECK(read_spec.argv.empty());
  CHECK(read.outcome == written.outcome);
  CHECK(read.reason == written.reason);
  CHECK(read.exit_status == 0);
  CHECK_FALSE(read.signal);
  CHECK(read.started == written.started);
  CHECK(read.duration == written.duration);
  CHECK(read.output_tail == "line 1\n\xef\xbf\xbd bad byte\nlast\n"); // as --json wrote it
  CHECK(read.output_bytes == written.output_bytes);
  CHECK(read.log_file == written.log_file);
  CHECK(read.kept_dir == written.kept_dir);
  CHECK(read.user_seconds == doctest::Approx(0.5));
  CHECK(read.system_seconds == doctest::Approx(0.25));
  CHECK(read.maxrss_kb == 4096);
  REQUIRE(read.subtests.size() == 3);
  for (std::size_t i = 0; i < 3; i++) {
    CAPTURE(i);
    CHECK(read.subtests[i].name == written.subtests[i].name);
    CHECK(read.subtests[i].outcome == written.subtests[i].outcome);
    CHECK(read.subtests[i].reason == written.subtests[i].reason);
    CHECK(read.subtests[i].duration == written.subtests[i].duration);
  }
  CHECK(read.subtests_not_kept == 7);
  CHECK(read.notes == written.notes);
  REQUIRE(read.baseline);
  CHECK(read.baseline->before == Outcome::fail);
  CHECK(read.baseline->comparison == core::Comparison::fixed);
  CHECK(read.runs == 3);
  REQUIRE(read.failed_runs.size() == 1);
  const auto& run = read.failed_runs[0];
  CHECK(run.run == 2);
  CHECK(run.outcome == Outcome::timeout);
  CHECK(run.reason == "timed out after 1 s");
  CHECK(run.duration == 1s);
  CHECK(run.output_tail == "tail of run 2\n");
  CHECK(run.log_file == fs::path{"/logs/run2.txt"});
  CHECK_FALSE(run.kept_dir);
  REQUIRE(read.backtrace);
  const auto& backtrace = *read.backtrace;
  CHECK(backtrace.source == core::BacktraceSource::core);
  CHECK(backtrace.took == 250ms);
  CHECK(backtrace.core_file == written.backtrace->core_file);
  CHECK(backtrace.core_bytes == 2'150'000);
  // What the reporters show of it, and what they do not: the frames' addresses.
  CHECK(core::to_text(backtrace, core::whole_text) ==
        core::to_text(*written.backtrace, core::whole_text));
  for (std::size_t p = 0; p < 2; p++) {
    for (std::size_t t = 0; t < written.backtrace->processes[p].threads.size(); t++) {
      const auto& frames = written.backtrace->processes[p].threads[t].frames;
      for (std::size_t f = 0; f < frames.size(); f++) {
        CAPTURE(p);
        CAPTURE(t);
        CAPTURE(f);
        CHECK(backtrace.processes[p].threads[t].frames[f].address == frames[f].address);
      }
    }
  }

  const auto& second = results->tests[1];
  CHECK(second.line == 2);
  CHECK(second.result.signal == SIGSEGV);
  CHECK_FALSE(second.result.exit_status);
  CHECK_FALSE(second.result.baseline);
  CHECK_FALSE(second.result.backtrace);
  CHECK_FALSE(second.spec.output_tap);
  CHECK(second.result.runs == 1);

  REQUIRE(results->not_run.size() == 1);
  CHECK(results->not_run[0].spec.name == "grp/never.test");
  CHECK(results->not_run[0].spec.file == spec.file);
  CHECK(results->not_run[0].reason == "interrupted by SIGTERM");
  CHECK(results->not_run[0].line == 3);
  REQUIRE(results->summary);
  CHECK_FALSE(results->summary->complete);
  CHECK(results->summary->interrupted_by == SIGTERM);
  CHECK(results->summary->flaky_fails);
  CHECK(results->summary->baseline);
  CHECK(results->summary->line == 4);
  CHECK_FALSE(results->complete());
}

TEST_CASE("a results file's members may be missing; records of other kinds are passed over") {
  ResultsFileFixture file;
  const auto results = file.read(
      R"({"record":"test","name":"a/x.test","outcome":"skip","subtests":[{"name":"n"}]})"
      "\n\n"
      R"({"record":"progress","done":1})"
      "\n"
      R"({"no record":"here"})"
      "\n"
      R"({"record":"test","name":"a/y.test","outcome":"pass","exit_status":null,"log":null})"
      "\n"
      R"({"record":"summary","complete":true,"interrupted_by":null,"baseline":null})"
      "\n");
  REQUIRE(results);
  REQUIRE(results->tests.size() == 2);
  const auto& x = results->tests[0];
  CHECK(x.result.outcome == Outcome::skip);
  CHECK(x.spec.type == core::TestType::session);
  CHECK(x.spec.file.empty());
  REQUIRE(x.result.subtests.size() == 1);
  CHECK(x.result.subtests[0].outcome == core::SubtestOutcome::pass);
  CHECK(x.result.runs == 1);
  CHECK(results->tests[1].line == 5);
  CHECK_FALSE(x.result.backtrace);
  CHECK_FALSE(results->tests[1].result.exit_status);
  CHECK_FALSE(results->tests[1].result.log_file);
  REQUIRE(results->summary);
  CHECK_FALSE(results->summary->baseline);
  CHECK_FALSE(results->summary->flaky_fails);
  CHECK(results->complete());
}

TEST_CASE("a backtrace's members may be missing too") {
  ResultsFileFixture file;
  const auto results = file.read(
      R"({"record":"test","name":"a/x.test","outcome":"timeout","backtrace":{}})"
      "\n"
      R"({"record":"test","name":"a/y.test","outcome":"fail","backtrace":null})"
      "\n"
      R"({"record":"test","name":"a/z.test","outcome":"fail","backtrace":{"source":"core",)"
      R"("processes":[{"pid":9,"threads":[{"tid":9,"frames":[{"address":"0xABC"}]}]}]}})"
      "\n");
  REQUIRE(results);
  const auto& empty = results->tests[0].result.backtrace;
  REQUIRE(empty);
  CHECK(empty->source == core::BacktraceSource::timeout);
  CHECK(empty->processes.empty());
  CHECK_FALSE(empty->core_file);
  CHECK_FALSE(results->tests[1].result.backtrace);
  const auto& sparse = results->tests[2].result.backtrace;
  REQUIRE(sparse);
  CHECK(sparse->core_bytes == 0);
  REQUIRE(sparse->processes.size() == 1);
  CHECK(sparse->processes[0].command.empty());
  const auto& thread = sparse->processes[0].threads.at(0);
  CHECK_FALSE(thread.crashed);
  CHECK_FALSE(thread.frames_cut);
  REQUIRE(thread.frames.size() == 1);
  CHECK(thread.frames[0].address == 0xabc);
  CHECK(thread.frames[0].line == 0);
  CHECK(thread.frames[0].function.empty());
}

TEST_CASE("an interrupted run's file: incomplete, with what it has") {
  ResultsFileFixture file;
  const std::string passed = R"({"record":"test","name":"a/x.test","outcome":"pass"})"
                             "\n";
  // Killed before its summary.
  auto killed = file.read(passed);
  REQUIRE(killed);
  CHECK(killed->tests.size() == 1);
  CHECK_FALSE(killed->summary);
  CHECK_FALSE(killed->complete());
  // Stopped by a signal: tests not run, a summary that says so.
  auto stopped = file.read(passed + R"({"record":"not-run","name":"a/y.test","file":"/y.test",)"
                                    R"("reason":"interrupted by SIGHUP"})"
                                    "\n"
                                    R"({"record":"summary","complete":false,)"
                                    R"("interrupted_by":"SIGHUP"})"
                                    "\n");
  REQUIRE(stopped);
  REQUIRE(stopped->not_run.size() == 1);
  CHECK(stopped->not_run[0].spec.file == fs::path{"/y.test"});
  CHECK(stopped->summary->interrupted_by == SIGHUP);
  CHECK_FALSE(stopped->complete());
  // A signal this system has no name for still leaves the run incomplete.
  auto unknown = file.read(passed + R"({"record":"summary","complete":false,)"
                                    R"("interrupted_by":"SIGWHAT"})"
                                    "\n");
  REQUIRE(unknown);
  CHECK_FALSE(unknown->summary->interrupted_by);
  CHECK_FALSE(unknown->complete());
  // Interrupted before the first test ended: no test record, still a run's file.
  auto early =
      file.read(R"({"record":"not-run","name":"a/x.test","reason":"interrupted by SIGINT"})"
                "\n"
                R"({"record":"summary","complete":false,"interrupted_by":"SIGINT"})"
                "\n");
  REQUIRE(early);
  CHECK(early->tests.empty());
  CHECK(early->summary->interrupted_by == SIGINT);
}

TEST_CASE("a results file that cannot be used: the error names the file and the line") {
  ResultsFileFixture file;
  const std::string where = "--merge " + file.path.string();
  const std::string good = R"({"record":"test","name":"a","outcome":"pass"})"
                           "\n";
  CHECK(file.error(good + "{oops\n").starts_with(where + ":2: not JSON: "));
  CHECK(file.error("<?xml version=\"1.0\"?>\n").starts_with(where + ":1: not JSON: "));
  CHECK(file.error(good + "\n[1,2]\n") == where + ":3: not a JSON object");
  CHECK(file.error(R"({"record":"test","outcome":"pass"})"
                   "\n") == where + ":1: a test record without a name");
  CHECK(file.error(R"({"record":"not-run","name":""})"
                   "\n") == where + ":1: a not-run record without a name");
  CHECK(file.error(R"({"record":"test","name":"a","outcome":"great"})"
                   "\n") == where + ":1: test a has no known outcome");
  CHECK(file.error(R"({"record":7})"
                   "\n") == where + ":1: \"record\" is not a string");
  CHECK(file.error(good + R"({"record":"test","name":"b","outcome":"fail","duration":"long"})"
                          "\n") == where + ":2: test b: \"duration\" is not a number of seconds");
  CHECK(file.error(R"({"record":"test","name":"b","outcome":"fail","exit_status":-1})"
                   "\n") == where + ":1: test b: \"exit_status\" is not a whole number from 0 up");
  CHECK(file.error(R"({"record":"test","name":"b","outcome":"fail","signal":"SIGNOPE"})"
                   "\n") == where + ":1: test b: \"signal\" is not a signal's name: SIGNOPE");
  CHECK(file.error(R"({"record":"test","name":"b","outcome":"fail","type":"desktop"})"
                   "\n") ==
        where + ":1: test b: \"type\" is not session or session-exclusive: desktop");
  CHECK(file.error(R"({"record":"test","name":"b","outcome":"fail",)"
                   R"("started":"2026-02-30T09:01:22.123Z"})"
                   "\n")
            .starts_with(where + ":1: test b: \"started\" is not a UTC time"));
  CHECK(file.error(R"({"record":"test","name":"b","outcome":"fail",)"
                   R"("subtests":[{"name":"/a","outcome":"pass"},{"name":"/b","outcome":"meh"}]})"
                   "\n") ==
        where + ":1: test b: subtest 2: \"outcome\" is not a test point outcome: meh");
  CHECK(file.error(R"({"record":"test","name":"b","outcome":"fail","failed_runs":[3]})"
                   "\n") == where + ":1: test b: \"failed_runs\" item 1 is not an object");
  CHECK(file.error(R"({"record":"test","name":"b","outcome":"fail","notes":["x",2]})"
                   "\n") == where + ":1: test b: \"notes\" item 2 is not a string");
  CHECK(file.error(R"({"record":"test","name":"b","outcome":"fail",)"
                   R"("baseline":{"outcome":null,"comparison":"worse"}})"
                   "\n") ==
        where + ":1: test b: baseline: \"comparison\" is not a comparison: worse");
  const auto with_backtrace = [](const std::string& backtrace) {
    return R"({"record":"test","name":"b","outcome":"fail","backtrace":)" + backtrace + "}\n";
  };
  CHECK(file.error(with_backtrace("[]")) == where + ":1: test b: \"backtrace\" is not an object");
  CHECK(file.error(with_backtrace(R"({"source":"hang"})")) ==
        where + ":1: test b: backtrace: \"source\" is not timeout, interrupt or core: hang");
  CHECK(file.error(with_backtrace(R"({"took_ms":0.5})")) ==
        where + ":1: test b: backtrace: \"took_ms\" is not a whole number from 0 up");
  CHECK(file.error(with_backtrace(R"({"processes":[{"pid":1,"threads":[{"frames":[)"
                                  R"({"address":"0x1"},{"address":140737488355328}]}]}]})")) ==
        where + ":1: test b: backtrace: process 1: thread 1: frame 2: \"address\" is not a string");
  for (const char* address : {"7f00", "0x", "0x-1", "0xfg", "0x10000000000000000"}) {
    CAPTURE(address);
    CHECK(
        file.error(with_backtrace(fmt::format(
            R"({{"processes":[{{"threads":[{{"frames":[{{"address":"{}"}}]}}]}}]}})", address))) ==
        where +
            ":1: test b: backtrace: process 1: thread 1: frame 1: \"address\" is not an "
            "address such as 0x7f0a2c3e9dd0: " +
            address);
  }
  CHECK(file.error(with_backtrace(R"({"processes":[{"threads":[{"crashed":"yes"}]}]})")) ==
        where + ":1: test b: backtrace: process 1: thread 1: \"crashed\" is not true or false");
  CHECK(file.error(with_backtrace(R"({"processes":[7]})")) ==
        where + ":1: test b: backtrace: \"processes\" item 1 is not an object");
  CHECK(file.error(R"({"record":"summary","complete":"yes"})"
                   "\n") == where + ":1: \"complete\" is not true or false");
  CHECK(file.error(good + R"({"record":"summary"})"
                          "\n"
                          R"({"record":"summary"})"
                          "\n") == where + ":3: a second summary record (the first is on line 2)");
  // Nothing of a run in it.
  CHECK(file.error("") == where + ": no test results in it (not a --json file of a run?)");
  CHECK(file.error("{\"a\":1}\n") ==
        where + ": no test results in it (not a --json file of a run?)");
  fs::remove(file.path);
  const auto missing = read_results_file(file.path, "--merge");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().what == where + ": No such file or directory");
  CHECK(missing.error().kind == util::ErrorKind::io);
}

TEST_CASE("records are handed over one at a time, in the file's order") {
  ResultsFileFixture file;
  std::ofstream{file.path} << R"({"record":"test","name":"a","outcome":"pass"})"
                              "\n"
                              R"({"record":"not-run","name":"b"})"
                              "\n"
                              R"({"record":"summary","complete":false})"
                              "\n"
                              "{bad\n";
  std::vector<std::size_t> kinds;
  const auto status = history::read_records(
      file.path, "--baseline", [&](history::Record&& r) { kinds.push_back(r.index()); });
  // Those before the bad line were handed over; the error stops the reading.
  CHECK(kinds == std::vector<std::size_t>{0, 1, 2});
  REQUIRE_FALSE(status);
  CHECK(status.error().what.starts_with("--baseline " + file.path.string() + ":4: not JSON"));
}
