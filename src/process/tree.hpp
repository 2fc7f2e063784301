// A test's processes, run under a monitor of their own.
//
// Each test gets one small monitor process (forked by the spawner, see spawner.hpp). The monitor
// makes itself a session leader and a child subreaper, sets up stdin (/dev/null), stdout and
// stderr (the output pipe) and the working directory, then starts the test with posix_spawn.
// Every process the test starts, including daemons that call setsid() or fork twice, stays a
// descendant of the monitor, so the monitor can end all of them: when the test's main process
// exits (whatever it left running gets SIGTERM, then SIGKILL after the grace period) and when
// asked to (SIGTERM to the monitor: a timeout or Ctrl-C; SIGUSR1, Ctrl-C again, kills them at
// once). It reports what happened as records on
// a pipe (protocol.hpp) and exits once no process of the test is left; its last report, or end
// of file on that pipe, tells the runner the test is over. The monitor only makes async-signal-safe
// calls.
#pragma once

#include "process/protocol.hpp"
#include "process/spawner.hpp"
#include "util/expected.hpp"
#include "util/fd.hpp"

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

namespace ginsttest::process {

// What the monitor reported.
struct TreeStatus {
  std::optional<int> wait_status; // of the test's main process
  std::optional<int> exec_errno;  // the test could not be executed
  std::string setup_error;        // the monitor could not prepare the test ("chdir: ...")
  int leftovers = 0;              // processes still running when the main process ended
  double user_seconds = 0;        // CPU time of all the test's processes
  double system_seconds = 0;
  long maxrss_kb = 0; // largest resident set among them
  // The monitor did not end the test in time once asked to, and was killed (see
  // Tree::kill_monitor).
  bool monitor_killed = false;
};

class Tree {
public:
  // Starts `request` under a new monitor.
  static util::Expected<Tree> spawn(Spawner& spawner, const SpawnRequest& request);

  Tree(Tree&& other) noexcept;
  Tree& operator=(Tree&&) = delete;
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;
  // A tree still running is terminated and waited for: no process outlives its Tree.
  ~Tree();

  // Readable when the monitor has something to say; poll it, then call read_reports().
  int report_fd() const { return m_reports.get(); }

  // Reads the reports available now, without blocking; true once the monitor has exited and
  // status() is final.
  bool read_reports();

  bool finished() const { return m_finished; }
  // The monitor's pid, once it has sent it (-1 before).
  pid_t monitor() const { return m_monitor; }

  // Asks the monitor to end every process of the test: SIGTERM now, SIGKILL after the grace.
  void terminate();
  // Asks the monitor to kill every process of the test now, without the rest of the grace.
  void kill();
  // When the monitor was first signalled to stop or kill the test; unset before.
  std::optional<std::chrono::steady_clock::time_point> signalled_at() const {
    return m_signalled_at;
  }
  // Kills the monitor itself (SIGKILL), for one that did not end the test in time once asked
  // to: a test run as root can keep a signal from reaching it. In a PID namespace of its own,
  // the kernel then kills every process of the test with it; otherwise they are left. Its
  // reports end there.
  void kill_monitor();
  // A signal asked for is still to be sent: read_reports() sends it once the monitor's pid is
  // known.
  bool signal_owed() const { return m_signal_asked != 0 && m_signal_asked != m_signal_sent; }

  // Blocks until the monitor has exited.
  void wait();

  const TreeStatus& status() const { return m_status; }

private:
  explicit Tree(util::Fd reports) : m_reports(std::move(reports)) {}
  // SIGTERM to the monitor; called when its pid is known and its pipe was just found open.
  void signal_monitor();
  // status() is final: no more reports, no more signals.
  void mark_finished();
  // Takes one record into the status.
  void take(const Report& report);

  pid_t m_monitor = -1; // known from the monitor's first report
  util::Fd m_pidfd;     // the monitor's, once asked to terminate, where the kernel has pidfds
  bool m_pidfd_opened = false;
  // The last signal asked for (stop_signal or kill_signal, which overrides it) and sent; 0 for
  // none.
  int m_signal_asked = 0;
  int m_signal_sent = 0;
  std::optional<std::chrono::steady_clock::time_point> m_signalled_at;
  util::Fd m_reports;
  bool m_finished = false;
  TreeStatus m_status;
};

} // namespace ginsttest::process
