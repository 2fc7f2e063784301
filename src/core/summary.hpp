// Totals of one run, as the SUMMARY line and the reports give them.
#pragma once

#include "core/test_result.hpp"

#include <cstddef>
#include <optional>

namespace ginsttest::core {

// With --baseline: how many results compare in each way with the baseline's.
struct BaselineTotals {
  std::size_t regressions = 0;
  std::size_t known_failures = 0;
  std::size_t fixed = 0;
};

struct RunSummary {
  std::size_t total = 0; // tests selected
  std::size_t passed = 0;
  std::size_t skipped = 0;
  std::size_t failed = 0;            // every result that is not a pass or a skip
  std::size_t flaky = 0;             // of the passed: failed some runs, passed others
  bool flaky_fails = false;          // --repeat: a FLAKY test fails the run
  std::optional<int> interrupted_by; // the signal that stopped the run early
  double user_seconds = 0;           // CPU time of the tests
  double system_seconds = 0;
  long maxrss_kb = 0; // largest resident set among the tests
  std::optional<BaselineTotals> baseline;

  bool complete() const { return !interrupted_by && passed + skipped + failed == total; }
  // Whether the tests fail the run (exit status 2): any failure, or with a baseline any
  // regression; with --repeat, also any FLAKY test.
  bool tests_failed() const {
    return (baseline ? baseline->regressions > 0 : failed > 0) || (flaky_fails && flaky > 0);
  }
  // Counts `result` in the totals (and in the baseline's, when both have one).
  void add(const TestResult& result);
};

} // namespace ginsttest::core
