// Runs a plan: up to N tests at once, each session-exclusive test with nothing else running.
#pragma once

#include "core/summary.hpp"
#include "core/test_spec.hpp"
#include "report/reporter.hpp"
#include "runner/runner.hpp"

#include <cstddef>
#include <functional>

namespace ginsttest::scheduler {

// Gives the spec of test `index` of the plan. Called once per test, when its turn comes, so that
// only the tests running (and the exclusive ones waiting) are held in memory.
using SpecLoader = std::function<core::TestSpec(std::size_t index)>;

// Compares a finished test's outcome with an earlier run's (--baseline).
using Comparer =
    std::function<core::BaselineComparison(const core::TestSpec& spec, core::Outcome now)>;

// How often a test runs: --retry runs a failed test again up to `retries` times (until it
// passes); --repeat runs every test `repeats` times. Either way the test's result is that of
// all its runs (core::outcome_of_runs), and the summary counts it once.
struct Reruns {
  unsigned retries = 0;
  unsigned repeats = 1;
};

class Scheduler {
public:
  // `parallel` >= 1 is the number of tests that may run at once.
  Scheduler(runner::Runner& runner, report::Reporter& reporter, unsigned parallel)
      : m_runner(runner), m_reporter(reporter), m_parallel(parallel < 1 ? 1 : parallel) {}

  // Runs tests 0..count-1 in that order, except that session-exclusive tests wait until every
  // session test has been started and then run one at a time, so the slots never idle for them.
  // A test whose file could not be loaded is reported as an error in its turn, without being
  // started. After a stop signal (SIGINT, SIGTERM, SIGHUP) the running tests are ended and the
  // summary says so.
  core::RunSummary run(std::size_t count, const SpecLoader& load);

  // Every result gets its comparison with the baseline before it is reported, and the summary
  // counts them.
  void compare_with(Comparer compare) { m_compare = std::move(compare); }

  // Runs tests again as `reruns` says; with repeats, a FLAKY test fails the run.
  void rerun(Reruns reruns) { m_reruns = reruns; }

private:
  class Pass; // one run of a plan
  core::RunSummary new_summary(std::size_t count) const;

  runner::Runner& m_runner;
  report::Reporter& m_reporter;
  unsigned m_parallel;
  Comparer m_compare;
  Reruns m_reruns;
};

// A run stopped by a stop signal (`signo`) before its first test could start, reported as the
// scheduler reports an interrupted run: every test not run, then the end of the run.
core::RunSummary cancel_run(report::Reporter& reporter, std::size_t count, const SpecLoader& load,
                            int signo);

} // namespace ginsttest::scheduler
