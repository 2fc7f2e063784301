// What a monitor tells the runner about its test, as fixed-size records on a pipe. A record is
// small enough for write() to be atomic; the monitor exiting (end of file) means the test and
// every process it started are gone.
#pragma once

#include <cstdint>

namespace ginsttest::process {

enum class ReportKind : std::int32_t {
  setup_failed = 1, // `step` failed with errno `value`; the test never ran
  exec_failed = 2,  // the test could not be executed: errno `value`
  exited = 3,       // the test's main process ended with wait status `value`
  leftovers = 4,    // `value` processes were still running when the main one ended
};

enum class SetupStep : std::int32_t { none = 0, session, fds, chdir, spawn_attributes };

struct Report {
  ReportKind kind;
  SetupStep step;
  std::int32_t value;
};

// A short name for a setup step, for error messages ("chdir").
const char* step_name(SetupStep step);

} // namespace ginsttest::process
