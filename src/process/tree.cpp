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
      m_pidfd_opened(other.m_pidfd_opened), m_signal_asked(other.m_signal_asked),
      m_signal_sent(other.m_signal_sent), m_signalled_at(other.m_signalled_at),
      m_reports(std::move(other.m_reports)), m_finished(std::exchange(other.m_finished, true)),
      m_status(std::move(other.m_status)) {}

Tree::~Tree() {
  if (!m_finished) {
    terminate();
    wait();
  }
}

bool Tree::read_reports() {
  // Records are written whole and a monitor writes a few at once: read them together.
  Report reports[16];
  while (!m_finished) {
    const ssize_t n = ::read(m_reports.get(), reports, sizeof reports);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0 && errno == EAGAIN) {
      if (signal_owed() && m_monitor > 0) {
        if (!m_pidfd_opened) {
          // Opened first, then the pipe read again: found open, it proves the pid was still
          // the monitor's when the pidfd was opened (see signal_monitor).
          m_pidfd = util::pidfd_open(m_monitor);
          m_pidfd_opened = true;
          continue;
        }
        signal_monitor();
      }
      break;
    }
    if (n <= 0) {
      mark_finished(); // end of file
      break;
    }
    for (std::size_t i = 0; i < static_cast<std::size_t>(n) / sizeof(Report) && !m_finished; i++) {
      take(reports[i]);
    }
  }
  return m_finished;
}

void Tree::take(const Report& report) {
  switch (report.kind) {
  case ReportKind::started:
    m_monitor = report.value; // signalled through a pidfd, when it comes to that
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
  case ReportKind::done:
    // The test is over; the monitor's own exit is not waited for.
    mark_finished();
    break;
  }
}

void Tree::mark_finished() {
  m_finished = true;
  m_reports.reset();
  m_pidfd.reset();
}

void Tree::terminate() {
  // Until the monitor's first report arrives with its pid, the request waits.
  if (m_signal_asked == 0) {
    m_signal_asked = stop_signal;
  }
  read_reports();
}

void Tree::kill() {
  m_signal_asked = kill_signal;
  read_reports();
}

void Tree::signal_monitor() {
  // A kill asked for before the stop was sent is sent alone: it ends everything anyway.
  m_signal_sent = m_signal_asked;
  if (!m_signalled_at) {
    m_signalled_at = std::chrono::steady_clock::now();
  }
  // Only the monitor holds the write end of the report pipe (close-on-exec in its test), until
  // it exits. So while a read finds the pipe open the monitor has not exited, let alone been
  // reaped by the spawner: its pid is its own, and so is the pidfd opened for that pid before
  // the read. The pidfd names the monitor for good, even once the pid is reused: the signal can
  // never hit another process. Without pidfds (kernels before 5.3), kill() right after the
  // read.
  if (m_pidfd) {
    util::pidfd_send_signal(m_pidfd.get(), m_signal_sent);
  } else {
    ::kill(m_monitor, m_signal_sent);
  }
}

void Tree::kill_monitor() {
  if (m_finished || m_monitor <= 0) {
    return;
  }
  // Through the pidfd opened for the stop signal (see signal_monitor), which names it for good.
  if (m_pidfd) {
    util::pidfd_send_signal(m_pidfd.get(), SIGKILL);
  } else {
    ::kill(m_monitor, SIGKILL);
  }
  m_status.monitor_killed = true;
}

void Tree::wait() {
  while (!read_reports()) {
    pollfd pfd{m_reports.get(), POLLIN, 0};
    ::poll(&pfd, 1, -1);
  }
}

} // namespace ginsttest::process
