// The seam between the scheduler and whatever runs a test (a real process, or a fake in tests).
#pragma once

#include "core/test_result.hpp"
#include "core/test_spec.hpp"

#include <cstddef>
#include <variant>
#include <vector>

namespace ginsttest::runner {

struct Finished {
  std::size_t id;
  core::TestResult result;
};
struct Interrupted {
  int signo; // SIGINT or SIGTERM received by the runner
};
using Event = std::variant<Finished, Interrupted>;

class Runner {
public:
  virtual ~Runner() = default;
  // Starts test `id` and returns at once. A test that cannot be started still finishes (with an
  // ERROR result) through wait().
  virtual void start(std::size_t id, const core::TestSpec& spec) = 0;
  // Blocks until a started test has finished, or the runner was asked to stop.
  virtual Event wait() = 0;
  // Ends every running test (all of its processes) and returns their results, marked
  // INTERRUPTED with `signo` named in the reason.
  virtual std::vector<Finished> abort(int signo) = 0;
};

} // namespace ginsttest::runner
