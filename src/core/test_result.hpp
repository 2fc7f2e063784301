// What running one installed test produced.
#pragma once

#include "core/backtrace.hpp"
#include "core/outcome.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::core {

// One test point of a test's TAP output.
enum class SubtestOutcome { pass, fail, skip, todo, todo_passed };
// "pass", "fail", "skip", "todo" (an expected failure) or "todo-passed".
std::string_view name(SubtestOutcome outcome);
// The subtest outcome `name` names, as name(SubtestOutcome) writes it; nullopt for none.
std::optional<SubtestOutcome> subtest_outcome_named(std::string_view name);

struct SubtestResult {
  std::string name;
  SubtestOutcome outcome = SubtestOutcome::pass;
  std::string reason;                  // of a SKIP or TODO directive
  std::string diagnostics;             // its YAML block, as text
  std::chrono::nanoseconds duration{}; // since the previous point (or the start)
};

// The test's outcome in the --baseline run, and what that makes of its outcome now.
struct BaselineComparison {
  std::optional<Outcome> before; // nullopt: the baseline does not have the test
  Comparison comparison = Comparison::unchanged;
};

// One run of a test that failed, when the test ran more than once (--retry, --repeat).
struct FailedRun {
  unsigned run = 1; // its number: 1 for the first run
  Outcome outcome = Outcome::fail;
  std::string reason;
  std::chrono::nanoseconds duration{};
  std::string output_tail;
  std::optional<std::filesystem::path> log_file; // -L copy of its output
  std::optional<std::filesystem::path> kept_dir; // --report-directory copy of its directory
};

struct TestResult {
  Outcome outcome = Outcome::error;
  std::string reason;             // why, for anything but a plain PASS
  std::optional<int> exit_status; // when the test exited
  std::optional<int> signal;      // when the test was killed by a signal
  std::chrono::system_clock::time_point started{};
  std::chrono::nanoseconds duration{};
  std::string output_tail;                       // the last part of stdout+stderr, for the console
  std::uint64_t output_bytes = 0;                // everything the test printed
  std::optional<std::filesystem::path> log_file; // -L copy of the whole output
  bool log_incomplete = false; // a write to log_file failed: it holds the start only (see notes)
  std::optional<std::filesystem::path> kept_dir; // --report-directory copy of a failure
  double user_seconds = 0;                       // CPU time of every process of the test
  double system_seconds = 0;
  long maxrss_kb = 0; // largest resident set among them
  // The test points of an Output=TAP test, in order; past a cap only counted.
  std::vector<SubtestResult> subtests;
  std::size_t subtests_not_kept = 0;
  int leftover_processes = 0;     // processes still running when the test's main one ended
  std::vector<std::string> notes; // things worth telling that are not the outcome
  std::optional<BaselineComparison> baseline; // with --baseline
  // How many times the test ran (--retry, --repeat), and those runs that failed, in order. The
  // fields above are the last run's, with the outcome of them all (see core::outcome_of_runs).
  unsigned runs = 1;
  std::vector<FailedRun> failed_runs;
  // The stacks of a test that timed out, crashed or was interrupted (see --backtraces).
  std::optional<Backtrace> backtrace;
};

} // namespace ginsttest::core
