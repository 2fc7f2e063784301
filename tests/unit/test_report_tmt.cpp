#include "report/tmt.hpp"

#include "report_results.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

using namespace ginsttest;
namespace fs = std::filesystem;

namespace {

// results.yaml for `results` and `summary`, written in TMT_TEST_DATA `data` (a fresh one when
// not given) whose logs/ holds the log files the results name (under /logs): tmt lists only logs
// that exist.
std::string results_yaml(std::vector<std::pair<core::TestSpec, core::TestResult>> results,
                         const core::RunSummary& summary, std::optional<fs::path> data_dir = {}) {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "tmt");
  REQUIRE(dir);
  const fs::path data = data_dir.value_or(dir->path());
  fs::create_directory(data / "logs");
  const auto move_log = [&](std::optional<fs::path>& log) {
    if (log) {
      log = data / "logs" / log->filename();
      std::ofstream{*log} << "output\n";
    }
  };
  for (auto& [spec, result] : results) {
    move_log(result.log_file);
    for (auto& run : result.failed_runs) {
      move_log(run.log_file);
    }
  }
  {
    auto tmt = report::Tmt::open(data);
    REQUIRE(tmt);
    (*tmt)->run_started({results.size(), 1, std::nullopt});
    for (const auto& [spec, result] : results) {
      (*tmt)->test_finished(spec, result);
    }
    (*tmt)->run_finished(summary);
  }
  std::ostringstream text;
  text << std::ifstream{data / "results.yaml"}.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("tmt: a FLAKY test is info, with its runs in notes and each run's log") {
  core::RunSummary summary;
  summary.total = summary.passed = summary.flaky = 1;
  const auto text =
      results_yaml({{testing::spec_named("grp/flaky.test"), testing::flaky_result()}}, summary);
  INFO(text);
  CHECK(text.find("- name: \"/grp/flaky\"\n  result: info\n") != std::string::npos);
  CHECK(text.find(
            "  log:\n    - \"logs/grp_flaky.test.txt\"\n    - \"logs/grp_flaky.test@2.txt\"\n") !=
        std::string::npos);
  CHECK(text.find("  note:\n    - \"FLAKY: failed 1 of 2 runs, first: exited with status 1\"\n"
                  "    - \"runs=2; failed_runs=1\"\n"
                  "    - \"run 1: FAIL: exited with status 1\"\n") != std::string::npos);
  // With --retry a FLAKY test passes the run.
  CHECK(text.find("- name: /\n  result: pass\n  note:\n"
                  "    - \"total=1; passed=1; skipped=0; failed=0\"\n"
                  "    - \"flaky=1 (of the passed)\"\n") != std::string::npos);
}

TEST_CASE("tmt: a test failing every run lists each run; with --repeat a FLAKY test fails the "
          "run's entry") {
  core::RunSummary summary;
  summary.total = 2;
  summary.passed = summary.flaky = summary.failed = 1;
  summary.flaky_fails = true;
  const auto text =
      results_yaml({{testing::spec_named("grp/flaky.test"), testing::flaky_result()},
                    {testing::spec_named("grp/broken.test"), testing::failed_every_run_result()}},
                   summary);
  INFO(text);
  CHECK(text.find("- name: \"/grp/broken\"\n  result: fail\n") != std::string::npos);
  CHECK(
      text.find("  log:\n    - \"logs/grp_broken.test.txt\"\n    - \"logs/grp_broken.test@2.txt\"\n"
                "    - \"logs/grp_broken.test@3.txt\"\n  note:\n") != std::string::npos);
  CHECK(text.find("    - \"runs=3; failed_runs=3\"\n    - \"run 1: FAIL: exited with status 2\"\n"
                  "    - \"run 2: TIMEOUT: timed out after 1 s\"\n"
                  "    - \"run 3: FAIL: exited with status 2\"\n") != std::string::npos);
  CHECK(text.find("- name: /\n  result: fail\n") != std::string::npos);
  CHECK(text.find("    - \"flaky=1 (of the passed; with --repeat they fail the run)\"\n") !=
        std::string::npos);
}

TEST_CASE("tmt: a test that ran once has no run notes") {
  core::TestResult failed;
  failed.outcome = core::Outcome::fail;
  failed.reason = "exited with status 1";
  failed.failed_runs.emplace_back().reason = failed.reason;
  const auto text = results_yaml({{testing::spec_named("grp/once.test"), failed}}, {});
  INFO(text);
  CHECK(text.find("  note:\n    - \"FAIL: exited with status 1\"\n- name: /\n") !=
        std::string::npos);
  CHECK(text.find("runs=") == std::string::npos);
  CHECK(text.find("flaky=") == std::string::npos);
}

TEST_CASE("tmt: a backtrace is a log of its own, whole, listed after the output") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "tmt");
  REQUIRE(dir);
  const fs::path data = dir->path();
  auto result = testing::crashed_result();
  // Past the console's limits: the file has every frame.
  result.backtrace->processes[0].threads[0].frames.resize(40);
  const auto text = results_yaml({{testing::spec_named("grp/crash.test"), result}}, {}, data);
  INFO(text);
  CHECK(text.find("  log:\n    - \"logs/grp_crash.test.txt\"\n"
                  "    - \"logs/grp_crash.test.backtrace.txt\"\n  note:\n") != std::string::npos);
  std::ostringstream written;
  written << std::ifstream{data / "logs" / "grp_crash.test.backtrace.txt"}.rdbuf();
  CHECK(written.str() == core::to_text(*result.backtrace, core::whole_text));
  CHECK(written.str().find("#39 ") != std::string::npos);
  CHECK(written.str().find("more frames") == std::string::npos);
}

TEST_CASE("tmt: the backtrace of a later run is named after that run; one that cannot be written "
          "is a note") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "tmt");
  REQUIRE(dir);
  const fs::path data = dir->path();
  auto result = testing::failed_every_run_result();
  result.backtrace = testing::crash_backtrace();
  core::TestResult unlogged = testing::crashed_result();
  unlogged.log_file.reset();
  const auto text = results_yaml({{testing::spec_named("grp/broken.test"), result},
                                  {testing::spec_named("grp/crash.test"), unlogged}},
                                 {}, data);
  INFO(text);
  CHECK(text.find("    - \"logs/grp_broken.test@3.txt\"\n"
                  "    - \"logs/grp_broken.test@3.backtrace.txt\"\n") != std::string::npos);
  CHECK(fs::exists(data / "logs" / "grp_broken.test@3.backtrace.txt"));
  // Without a log, in logs/ all the same.
  CHECK(text.find("    - \"logs/grp_crash.test.backtrace.txt\"\n") != std::string::npos);

  // A directory in the way.
  fs::remove(data / "results.yaml");
  fs::remove(data / "logs" / "grp_crash.test.backtrace.txt");
  fs::create_directory(data / "logs" / "grp_crash.test.backtrace.txt");
  const auto blocked = results_yaml({{testing::spec_named("grp/crash.test"), unlogged}}, {}, data);
  INFO(blocked);
  CHECK(blocked.find("backtrace.txt\"\n") == std::string::npos);
  CHECK(blocked.find("    - \"backtrace not written: ") != std::string::npos);
}
