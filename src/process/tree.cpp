#include "process/tree.hpp"

#include "process/protocol.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

namespace ginsttest::process {

util::Expected<Tree> Tree::spawn(Spawner& spawner, const SpawnRequest& request) {
  util::Pipe reports;
  if (!util::make_pipe(reports, util::ReadEnd::nonblocking)) {
    return util::unexpected(fmt::format("cannot create a pipe: {}", util::errno_text(errno)));
  }
  if (auto sent = spawner.spawn(request, reports.write.get()); !sent) {
    return util::unexpected(sent.error());
  }
  // From here on only the spawner and then the monitor hold the write end: end of file means
  // the monitor is gone.
  reports.write.reset();
  return Tree{std::move(reports.read)};
}

Tree::Tree(Tree&& other) noexcept
    : m_monitor(std::exchange(other.m_monitor, -1)), m_pidfd(std::move(other.m_pidfd)),
      m_terminate_requested(other.m_terminate_requested), m_reports(std::move(other.m_reports)),
      m_finished(std::exchange(other.m_finished, true)), m_status(std::move(other.m_status)) {}

Tree::~Tree() {
  if (!m_finished) {
    terminate();
    wait();
  }
}

bool Tree::read_reports() {
  while (!m_finished) {
    Report report{};
    const ssize_t n = ::read(m_reports.get(), &report, sizeof report);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && errno == EAGAIN) {
      break;
    }
    if (n != sizeof report) {
      // End of file (records are written whole, so a short read means the same).
      m_finished = true;
      m_reports.reset();
      m_pidfd.reset();
      break;
    }
    switch (report.kind) {
    case ReportKind::started:
      m_monitor = report.value;
      // Valid for the monitor: it cannot have been reaped while its end of the pipe, read
      // after this, is open (see signal_monitor).
      m_pidfd = util::pidfd_open(m_monitor);
      if (m_terminate_requested) {
        signal_monitor();
      }
      break;
    case ReportKind::exited:
      m_status.wait_status = report.value;
      break;
    case ReportKind::exec_failed:
      m_status.exec_errno = report.value;
      break;
    case ReportKind::setup_failed:
      m_status.setup_error =
          fmt::format("{}: {}", step_name(report.step), util::errno_text(report.value));
      break;
    case ReportKind::leftovers:
      m_status.leftovers = report.value;
      break;
    case ReportKind::user_ms:
      m_status.user_seconds = report.value / 1000.0;
      break;
    case ReportKind::system_ms:
      m_status.system_seconds = report.value / 1000.0;
      break;
    case ReportKind::maxrss_kb:
      m_status.maxrss_kb = report.value;
      break;
    }
  }
  return m_finished;
}

void Tree::terminate() {
  // The monitor's pid is only valid while its end of the pipe is open; until its first report
  // arrives, the request waits.
  m_terminate_requested = true;
  if (!read_reports() && m_monitor > 0) {
    signal_monitor();
  }
}

void Tree::signal_monitor() {
  // The monitor is the spawner's child, and the spawner reaps it only after it has closed its
  // own copy of the report pipe's write end; the monitor holds the other copy until it exits.
  // So while the pipe is not at end of file the pid is the monitor's, alive or a zombie. A pidfd
  // opened then names the monitor for good, even once that pid is reused: the signal can never
  // hit another process. Without pidfds (kernels before 5.3), kill() right after the check.
  if (m_pidfd) {
    util::pidfd_send_signal(m_pidfd.get(), SIGTERM);
  } else {
    ::kill(m_monitor, SIGTERM);
  }
}

void Tree::wait() {
  while (!read_reports()) {
    pollfd pfd{m_reports.get(), POLLIN, 0};
    ::poll(&pfd, 1, -1);
  }
}

} // namespace ginsttest::process
