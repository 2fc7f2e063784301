// A test's processes, spawned under a monitor of their own.
//
// The runner forks one small monitor per test. The monitor makes itself a session leader and a
// child subreaper, sets up stdin (/dev/null), stdout and stderr (the output pipe) and the working
// directory, then forks and execs the test. Every process the test starts, including daemons
// that call setsid() or double-fork, stays a descendant of the monitor, so the monitor can end
// all of them: when the test's main process exits (whatever it left running gets SIGTERM, then
// SIGKILL after the grace period) and when the runner asks (SIGTERM to the monitor: timeout or
// Ctrl-C). It reports what happened as fixed-size records on a close-on-exec pipe and exits once
// no process of the test is left. The monitor only makes async-signal-safe calls.
#pragma once

#include "util/expected.hpp"
#include "util/fd.hpp"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ginsttest::process {

struct SpawnRequest {
  std::string program;           // the file to exec (see find_program)
  std::vector<std::string> argv; // argv[0] included
  std::vector<std::string> env;  // NAME=VALUE, the test's whole environment
  std::filesystem::path cwd;
  int output_fd = -1;                         // becomes the test's stdout and stderr
  std::chrono::milliseconds kill_grace{5000}; // SIGTERM to SIGKILL
};

// What the monitor reported once it has exited.
struct TreeStatus {
  std::optional<int> wait_status; // of the test's main process
  std::optional<int> exec_errno;  // exec of the test failed
  std::string setup_error;        // the monitor could not prepare the test ("chdir: ...")
  int leftovers = 0;              // processes still running when the main process ended
};

class Tree {
public:
  // Forks the monitor, which starts the test. Fails only when the monitor cannot be forked.
  static util::Expected<Tree> spawn(const SpawnRequest& request);

  Tree(Tree&& other) noexcept;
  Tree& operator=(Tree&&) = delete;
  Tree(const Tree&) = delete;
  Tree& operator=(const Tree&) = delete;
  // A tree still running is terminated and waited for: no process outlives its Tree.
  ~Tree();

  pid_t monitor_pid() const { return m_monitor; }

  // Asks the monitor to end every process of the test: SIGTERM now, SIGKILL after the grace.
  void terminate();

  // Reaps the monitor without blocking; true once it has exited (then status() is final).
  bool try_reap();

  // Blocks until the monitor has exited.
  void wait();

  // The monitor's reports; complete once try_reap() or wait() saw it exit.
  const TreeStatus& status() const { return m_status; }

private:
  Tree(pid_t monitor, util::Fd reports) : m_monitor(monitor), m_reports(std::move(reports)) {}
  void read_reports();

  pid_t m_monitor = -1;
  bool m_reaped = false;
  util::Fd m_reports;
  TreeStatus m_status;
};

} // namespace ginsttest::process
