#include "core/summary.hpp"

#include <algorithm>

namespace ginsttest::core {

void RunSummary::add(const TestResult& result) {
  user_seconds += result.user_seconds;
  system_seconds += result.system_seconds;
  maxrss_kb = std::max(maxrss_kb, result.maxrss_kb);
  switch (group(result.outcome)) {
  case Group::passed:
    passed++;
    break;
  case Group::skipped:
    skipped++;
    break;
  case Group::failed:
    failed++;
    break;
  }
  flaky += result.outcome == Outcome::flaky ? 1 : 0;
  if (baseline && result.baseline) {
    switch (result.baseline->comparison) {
    case Comparison::regression:
      baseline->regressions++;
      break;
    case Comparison::known_failure:
      baseline->known_failures++;
      break;
    case Comparison::fixed:
      baseline->fixed++;
      break;
    case Comparison::unchanged:
      break;
    }
  }
}

} // namespace ginsttest::core
