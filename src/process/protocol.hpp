// The protocol between the runner, the spawner and the monitors.
//
// Who is who:
//   runner    ginsttest-runner; sends requests, reads reports (process::Spawner, process::Tree).
//   spawner   ginsttest-spawner, started once per run, a child of the runner; keeps a monitor
//             forked ahead of the next request, and reaps them (spawner_loop.cpp). It dies with
//             the runner (PR_SET_PDEATHSIG), and its monitors then end their tests.
//   monitor   one per test, a child of the spawner; sets up the test's box, starts the test,
//             ends everything the test left, reports (monitor.cpp). Async-signal-safe only.
//
// Requests: one datagram per test on a SOCK_SEQPACKET socket from the runner to the spawner:
// a RequestHeader, then the strings it counts (see RequestHeader), with the test's output,
// error and report pipes (and optionally a descriptor 3) as SCM_RIGHTS. The spawner never
// answers on the socket: everything about a request, including a request it cannot serve,
// comes back on that request's report pipe, so that the runner never blocks on the spawner.
// The request is read by a monitor forked ahead of it (a standby), not by the spawner itself:
// the fork is made while the previous test runs, not on the way to the next one.
//
// Reports: fixed-size Report records on the report pipe, each written whole by one write()
// (smaller than PIPE_BUF, so never interleaved or split). In order:
//   1. a setup_failed (which step, errno) when the box could not be made (setsid, the
//      descriptors, the private /tmp; or `fork`/`request` from the spawner), then end of file;
//   2. otherwise started (the monitor's pid), sent once the test has been started or its start
//      has failed, so that reading it does not delay the test;
//   3. either setup_failed (chdir, credentials) or exec_failed (errno): the test never ran; or,
//      once it ran, exited (the main process's wait status), leftovers (processes still running
//      when it ended), user_ms, system_ms and maxrss_kb of all its processes, and done, in one
//      write unless leftovers had to be waited for;
//   4. end of file: the monitor has exited. After `done` the runner need not wait for it: every
//      process of the test is gone, and the monitor exits without writing anything more (its
//      exit may take a while: it tears down the test's mount namespace).
// A reader must take end of file at any point as the end (a monitor killed outright stops
// early); the runner then judges with what it has.
//
// Stopping a test: SIGTERM (`stop_signal`) to the monitor (a timeout, Ctrl-C, the runner ending).
// The monitor passes SIGTERM to every process of the test, then SIGKILL after the request's grace
// period, reports and exits. SIGUSR1 (Ctrl-C again) kills every process of the test at once,
// whatever the phase: a signal of its own, since two SIGTERMs pending at once would count as one.
// The runner signals the monitor through a pidfd opened when `started` arrives, once a later read
// has found the pipe open: only the monitor holds its write end, until it exits, so the pid was
// still the monitor's when the pidfd was opened, and the pidfd names it for good
// (process::Tree::signal_monitor).
#pragma once

#include <csignal>
#include <cstddef>
#include <cstdint>

namespace ginsttest::process {

enum class ReportKind : std::int32_t {
  setup_failed = 1, // `step` failed with errno `value`; the test never ran
  exec_failed = 2,  // the test could not be executed: errno `value`
  exited = 3,       // the test's main process ended with wait status `value`
  leftovers = 4,    // `value` processes were still running when the main one ended
  started = 5,      // the monitor runs as pid `value` (see the order above)
  user_ms = 6,      // CPU time of all the test's processes, in user mode (milliseconds)
  system_ms = 7,    // ... and in the kernel
  maxrss_kb = 8,    // the largest resident set among them
  done = 9,         // every process of the test has ended; the monitor exits next
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
  private_pids,
};

// What the runner sends the monitor: stop the test (with the grace period), or kill it now.
inline constexpr int stop_signal = SIGTERM;
inline constexpr int kill_signal = SIGUSR1;

struct Report {
  ReportKind kind;
  SetupStep step;
  std::int32_t value;
};

// A request from the runner to the spawner: this header, then NUL-terminated strings: program,
// cwd, private_tmp ("" for none), private_var_tmp ("" for none), shared_tmp[0..sharedc),
// shared_var_tmp[0..var_sharedc), argv[0..argc), env[0..envc). The
// test's output, error and report pipes travel with it as SCM_RIGHTS descriptors, in that
// order, with a fourth when the process gets a descriptor 3.
struct RequestHeader {
  std::int64_t grace_ns;
  std::uint32_t argc;
  std::uint32_t envc;
  std::uint32_t sharedc;
  std::uint32_t var_sharedc;
  std::int32_t has_credentials; // 0 or 1
  std::uint32_t uid;
  std::uint32_t gid;
  std::int64_t core_limit; // the test's soft RLIMIT_CORE in bytes; -1 leaves it as it is
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
  case SetupStep::private_pids:
    return "mounting the test's own /proc";
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
