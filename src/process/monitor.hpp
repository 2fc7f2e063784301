// The monitor process that runs one test; see tree.hpp for the design. Internal to process/.
#pragma once

#include "process/protocol.hpp"

#include <sys/types.h>

#include <cstdint>

namespace ginsttest::process {

// Everything the monitor needs, already laid out in memory it may use after fork().
struct MonitorSetup {
  const char* program; // the file to execute
  char* const* argv;   // null-terminated
  char* const* envp;   // null-terminated
  const char* cwd;
  const char* private_tmp;     // bind-mounted on /tmp in a mount namespace; "" for none
  char* const* shared_tmp;     // null-terminated: entries of the real /tmp kept visible
  const char* private_var_tmp; // bind-mounted on /var/tmp likewise; "" for none
  char* const* shared_var_tmp; // null-terminated: entries of the real /var/tmp kept visible
  int output_fd;               // becomes the test's stdout
  int error_fd;                // becomes its stderr
  int ready_fd;                // becomes its descriptor 3; -1 for none
  int report_fd;               // write end of the report pipe
  int spawned_fd;              // closed once the test is started (the spawner waits for that); -1
  std::int64_t grace_ns;
  bool drop_credentials; // switch to uid/gid, with no supplementary groups
  uid_t uid;
  gid_t gid;
  std::int64_t core_limit; // the test's soft RLIMIT_CORE; -1: as inherited
  // Set by run_monitor from its MonitorBase.
  pid_t monitor_pid;          // sent as `started`: the runner's view of it
  bool ignore_inside_signals; // in a PID namespace of its own: the test's SIGTERM is ignored
};

// Closes every descriptor from `first` up, except `keep` and `also_keep`. Async-signal-safe.
void close_fds_except(int first, int keep, int also_keep = -1) noexcept;

// What a monitor makes of itself before it knows its test: a session leader and child subreaper
// that dies with `parent` (PR_SET_PDEATHSIG), SIGCHLD and SIGTERM blocked, /dev/null open. A
// failed step is reported once the request's report pipe is there.
//
// With `own_pids`, the monitor is the first process (pid 1) of a PID namespace of its own, as
// bubblewrap's --unshare-pid and systemd's PrivatePIDs= make: its test then sees and signals
// only its own processes (with a /proc of its own), not another test's nor the run's servers,
// and when the monitor ends, the kernel ends whatever is left in the namespace. Signals from the
// test to the monitor are ignored; the runner's reach it, as they come from outside.
struct MonitorBase {
  SetupStep failed_step = SetupStep::none;
  int error = 0;
  int null_fd = -1; // the test's stdin
  bool own_pids = false;
  pid_t pid = -1; // the monitor's pid as the runner sees it
};
// `self` is the monitor's pid as the spawner (and so the runner) sees it: in a PID namespace of
// its own (own_pids, when it is not what getpid() says), the spawner tells it.
MonitorBase prepare_monitor(pid_t parent, pid_t self) noexcept;

// Runs in the prepared monitor: sets up the test's box, starts it with posix_spawn, ends every
// process it leaves behind, reports on `report_fd` and exits. Only async-signal-safe calls.
[[noreturn]] void run_monitor(MonitorSetup& setup, const MonitorBase& base) noexcept;

} // namespace ginsttest::process
