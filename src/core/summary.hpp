// Totals of one run, as the SUMMARY line and the reports give them.
#pragma once

#include <cstddef>
#include <optional>

namespace ginsttest::core {

struct RunSummary {
  std::size_t total = 0; // tests selected
  std::size_t passed = 0;
  std::size_t skipped = 0;
  std::size_t failed = 0;            // every result that is not a pass or a skip
  std::optional<int> interrupted_by; // the signal that stopped the run early
  double user_seconds = 0;           // CPU time of the tests
  double system_seconds = 0;
  long maxrss_kb = 0; // largest resident set among the tests

  bool complete() const { return !interrupted_by && passed + skipped + failed == total; }
};

} // namespace ginsttest::core
