// Runs a plan: up to N tests at once, each session-exclusive test with nothing else running.
#pragma once

#include "core/summary.hpp"
#include "core/test_spec.hpp"
#include "report/reporter.hpp"
#include "runner/runner.hpp"

#include <vector>

namespace ginsttest::scheduler {

class Scheduler {
public:
  // `parallel` >= 1 is the number of tests that may run at once.
  Scheduler(runner::Runner& runner, report::Reporter& reporter, unsigned parallel)
      : m_runner(runner), m_reporter(reporter), m_parallel(parallel < 1 ? 1 : parallel) {}

  // Runs every test of `plan` in its order, except that session-exclusive tests wait until the
  // session tests are done (then run one by one), so the parallel slots never idle for them.
  // Tests whose file could not be loaded are reported as errors without being started. Returns
  // the totals; after SIGINT/SIGTERM the running tests are ended and the summary says so.
  core::RunSummary run(const std::vector<core::TestSpec>& plan);

private:
  runner::Runner& m_runner;
  report::Reporter& m_reporter;
  unsigned m_parallel;
};

// The order tests are started in: `plan`'s order, session tests before session-exclusive ones.
std::vector<std::size_t> start_order(const std::vector<core::TestSpec>& plan);

} // namespace ginsttest::scheduler
