#include "report/tap.hpp"

#include "report/escape.hpp"

#include <fmt/format.h>

namespace ginsttest::report {

void Tap::run_started(const RunInfo& info) {
  print("TAP version 13\n");
  if (info.total == 0) {
    print("1..0 # SKIP no tests selected\n");
  } else {
    print("1..{}\n", info.total);
  }
  if (info.seed) {
    print("# random order, seed {}\n", *info.seed);
  }
  send();
}

// The test's own points as a subtest: "# Subtest: NAME", then a document indented by 4 spaces,
// before the point that closes it (TAP 14, "Subtests").
void Tap::write_subtests(const core::TestSpec& spec, const core::TestResult& result) {
  // A comment: no escapes there, only one line.
  print("# Subtest: {}\n    1..{}\n", one_line(spec.name), result.subtests.size());
  std::size_t number = 0;
  for (const auto& subtest : result.subtests) {
    number++;
    const auto description = tap_escape(subtest.name);
    const auto reason = subtest.reason.empty() ? "" : " " + tap_escape(subtest.reason);
    switch (subtest.outcome) {
    case core::SubtestOutcome::pass:
      print("    ok {} - {}\n", number, description);
      break;
    case core::SubtestOutcome::fail:
      print("    not ok {} - {}\n", number, description);
      break;
    case core::SubtestOutcome::skip:
      print("    ok {} - {} # SKIP{}\n", number, description, reason);
      break;
    case core::SubtestOutcome::todo:
      print("    not ok {} - {} # TODO{}\n", number, description, reason);
      break;
    case core::SubtestOutcome::todo_passed:
      print("    ok {} - {} # TODO{}\n", number, description, reason);
      break;
    }
  }
  if (result.subtests_not_kept > 0) {
    print("    # {} more test points were not kept\n", result.subtests_not_kept);
  }
}

// The YAML block after a test's point: its outcome and what explains it; for a test that ran
// more than once (--retry, --repeat), how many times, how many of them failed, and each of those;
// its backtrace, when it has one.
void Tap::write_yaml(const core::TestResult& result) {
  const auto milliseconds = [](std::chrono::nanoseconds duration) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  };
  print("  ---\n  outcome: {}\n  reason: {}\n", core::label(result.outcome),
        yaml_string(result.reason));
  if (result.exit_status) {
    print("  exit_status: {}\n", *result.exit_status);
  }
  if (result.signal) {
    print("  signal: {}\n", core::signal_name(*result.signal));
  }
  if (result.runs > 1) {
    print("  runs: {}\n  failed_runs: {}\n", result.runs, result.failed_runs.size());
    if (!result.failed_runs.empty()) {
      print("  failures:\n");
    }
    for (const auto& run : result.failed_runs) {
      print("    - run: {}\n      outcome: {}\n      reason: {}\n      duration_ms: {}\n", run.run,
            core::label(run.outcome), yaml_string(run.reason), milliseconds(run.duration));
      if (run.log_file) {
        print("      log: {}\n", yaml_string(run.log_file->string()));
      }
      if (run.kept_dir) {
        print("      kept_dir: {}\n", yaml_string(run.kept_dir->string()));
      }
    }
  }
  print("  duration_ms: {}\n", milliseconds(result.duration));
  // Last, being long: the stacks of the test's processes, when they were taken.
  if (result.backtrace) {
    print("  backtrace: {}", yaml_block(core::to_text(*result.backtrace), "    "));
  }
  print("  ...\n");
}

void Tap::test_finished(const core::TestSpec& spec, const core::TestResult& result) {
  m_number++;
  if (!result.subtests.empty()) {
    write_subtests(spec, result);
  }
  const auto name = tap_escape(spec.name);
  if (result.outcome == core::Outcome::skip) {
    const auto reason = result.reason.empty() ? "" : " " + tap_escape(result.reason);
    print("ok {} - {} # SKIP{}\n", m_number, name, reason);
  } else if (!core::is_failure(result.outcome)) {
    print("ok {} - {}\n", m_number, name);
    // It passed, but not every time: the YAML block says how often it failed, and why.
    if (result.outcome == core::Outcome::flaky) {
      write_yaml(result);
    }
  } else if (result.baseline && result.baseline->comparison == core::Comparison::known_failure) {
    // Failing as it failed before the change: an expected failure, which TAP calls TODO.
    print("not ok {} - {} # TODO known failure ({} in the baseline too)\n", m_number, name,
          core::label(*result.baseline->before));
  } else {
    print("not ok {} - {}\n", m_number, name);
    write_yaml(result);
  }
  send();
}

void Tap::test_not_run(const core::TestSpec& spec, int signo) {
  m_number++;
  print("ok {} - {} # SKIP not run: {}\n", m_number, tap_escape(spec.name),
        core::interruption(signo));
  send();
}

void Tap::run_finished(const core::RunSummary& summary) {
  // Every point is written, so the plan holds; the run still stopped early, and TAP says it this
  // way.
  if (summary.interrupted_by) {
    print("Bail out! {}\n", core::interruption(*summary.interrupted_by));
  }
  send();
}

} // namespace ginsttest::report
