// The seam between the scheduler and whatever runs a test (a real process, or a fake in tests).
#pragma once

#include "core/test_result.hpp"
#include "core/test_spec.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <variant>
#include <vector>

namespace ginsttest::runner {

struct Finished {
  std::size_t id;
  core::TestResult result;
};
struct Interrupted {
  int signo; // a stop signal received by the runner: SIGINT, SIGTERM or SIGHUP
};
// How far a running Output=TAP test has got (sent at most a few times a second).
struct Progress {
  std::size_t id;
  std::size_t points;                   // test points seen so far
  std::optional<std::uint64_t> planned; // from its plan, once seen
};
using Event = std::variant<Finished, Interrupted, Progress>;

class Runner {
public:
  virtual ~Runner() = default;
  // A hint: (the first run of) test `id` comes next, once a running test has finished. The runner
  // may prepare it now (its directory, its environment) so that its start costs less; `spec` stays
  // valid until the test is started, which start() then does with a copy of it at another address.
  // A test prepared but never started (the run was interrupted) is simply dropped.
  virtual void prepare(std::size_t /*id*/, const core::TestSpec& /*spec*/) {}
  // Starts run `run` of test `id` (1, then 2, 3... when --retry or --repeat runs it again, each
  // run in a directory of its own with a log of its own) and returns at once. A test that
  // cannot be started still finishes (with an ERROR result) through wait().
  virtual void start(std::size_t id, const core::TestSpec& spec, unsigned run) = 0;
  // Blocks until a started test has finished, has made progress, or the runner was asked to
  // stop.
  virtual Event wait() = 0;
  // Ends every running test (all of its processes) and returns their results, marked
  // INTERRUPTED with `signo` named in the reason. A stop signal that comes again meanwhile (a
  // second Ctrl-C) kills them at once, without the rest of their grace period, and is told to
  // `killing_now` first.
  using KillingNow = std::function<void(int signo)>;
  virtual std::vector<Finished> abort(int signo, const KillingNow& killing_now) = 0;
};

} // namespace ginsttest::runner
