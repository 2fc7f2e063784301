// What a monitor tells the runner about its test, as fixed-size records on a pipe. A record is
// small enough for write() to be atomic; the monitor exiting (end of file) means the test and
// every process it started are gone.
#pragma once

#include <cstddef>
#include <cstdint>

namespace ginsttest::process {

enum class ReportKind : std::int32_t {
  setup_failed = 1, // `step` failed with errno `value`; the test never ran
  exec_failed = 2,  // the test could not be executed: errno `value`
  exited = 3,       // the test's main process ended with wait status `value`
  leftovers = 4,    // `value` processes were still running when the main one ended
  started = 5,      // the monitor runs as pid `value` (always its first record)
  user_ms = 6,      // CPU time of all the test's processes, in user mode (milliseconds)
  system_ms = 7,    // ... and in the kernel
  maxrss_kb = 8,    // the largest resident set among them
};

enum class SetupStep : std::int32_t {
  none = 0,
  request,
  fork,
  session,
  fds,
  chdir,
  private_tmp,
  credentials,
};

struct Report {
  ReportKind kind;
  SetupStep step;
  std::int32_t value;
};

// A request from the runner to the spawner: this header, then NUL-terminated strings: program,
// cwd, private_tmp ("" for none), shared_tmp[0..sharedc), argv[0..argc), env[0..envc). The
// test's output, error and report pipes travel with it as SCM_RIGHTS descriptors, with a fourth
// when the process gets a descriptor 3. The spawner
// does not answer: the monitor's first report gives its pid, and a request that cannot be served
// gets a setup_failed report (then end of file).
struct RequestHeader {
  std::int64_t grace_ns;
  std::uint32_t argc;
  std::uint32_t envc;
  std::uint32_t sharedc;
  std::int32_t has_credentials; // 0 or 1
  std::uint32_t uid;
  std::uint32_t gid;
};

// The largest request: command line + environment of one test.
inline constexpr std::size_t max_request_bytes = 128 * 1024;

// A short name for a setup step, for error messages ("chdir").
inline const char* step_name(SetupStep step) {
  switch (step) {
  case SetupStep::session:
    return "setsid";
  case SetupStep::fds:
    return "setting up stdin/stdout/stderr";
  case SetupStep::chdir:
    return "chdir";
  case SetupStep::private_tmp:
    return "mounting the private /tmp";
  case SetupStep::credentials:
    return "switching to the test user";
  case SetupStep::request:
    return "passing the test to the spawner";
  case SetupStep::fork:
    return "fork";
  case SetupStep::none:
    break;
  }
  return "setup";
}

} // namespace ginsttest::process
