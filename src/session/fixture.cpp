#include "session/fixture.hpp"

#include "core/outcome.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

namespace ginsttest::session {
namespace {

// Why the server's tree ended before it was ready.
std::string describe_end(const process::TreeStatus& status) {
  if (!status.setup_error.empty()) {
    return status.setup_error;
  }
  if (status.exec_errno) {
    return util::errno_text(*status.exec_errno);
  }
  if (status.wait_status) {
    const int ws = *status.wait_status;
    if (WIFEXITED(ws)) {
      return fmt::format("it exited with status {}", WEXITSTATUS(ws));
    }
    if (WIFSIGNALED(ws)) {
      return fmt::format("it was killed by {}", core::signal_name(WTERMSIG(ws)));
    }
  }
  return "it ended";
}

// The last lines of the server's log, indented, for an error message.
std::string log_tail(const std::filesystem::path& log) {
  std::ifstream in{log};
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  const auto tail = util::last_lines(all, 10);
  if (tail.empty()) {
    return "";
  }
  std::string out = fmt::format("\n  last lines of {}:", log.string());
  for (const auto& line : util::split(tail, '\n')) {
    if (!line.empty()) {
      out += "\n  | " + line;
    }
  }
  return out;
}

} // namespace

util::Expected<Fixture> Fixture::start(process::Spawner& spawner, FixtureSpec spec,
                                       std::string& ready_line) {
  util::Pipe ready;
  if (!util::make_pipe(ready, util::ReadEnd::nonblocking)) {
    return util::unexpected(fmt::format("cannot start {}: cannot create a pipe: {}", spec.label,
                                        util::errno_text(errno)));
  }
  // A new file in the run's directory, each server's its own: nothing may stand there yet.
  auto created = util::create_new_file(spec.log, 0600);
  if (!created) {
    return util::unexpected(
        fmt::format("cannot start {}: cannot write its log: {}", spec.label, created.error().what));
  }
  util::Fd log = std::move(*created);
  // Descriptor 3 announces readiness; everything the server and what it starts print goes to
  // the log, which never fills up as an undrained pipe would.
  spec.request.ready_fd = ready.write.get();
  spec.request.output_fd = log.get();
  spec.request.error_fd = log.get();
  auto tree = process::Tree::spawn(spawner, spec.request);
  if (!tree) {
    return util::unexpected(fmt::format("cannot start {}: {}", spec.label, tree.error().what));
  }
  ready.write.reset();
  log.reset();

  auto fail = [&](std::string reason) {
    tree->terminate();
    tree->wait();
    return util::unexpected(fmt::format("{} ({}) did not start: {}{}", spec.label,
                                        spec.request.program, reason, log_tail(spec.log)));
  };
  // The stop signals are blocked in the runner (it reads them from a signalfd): one that
  // arrives now stays pending, and this signalfd, polled but never read, ends the wait for it.
  const sigset_t stop_signals = core::stop_signals();
  const util::Fd interrupts{::signalfd(-1, &stop_signals, SFD_CLOEXEC | SFD_NONBLOCK)};
  const auto deadline = std::chrono::steady_clock::now() + spec.startup;
  std::string line;
  bool ready_fd_open = true;
  while (true) {
    if (const auto nl = line.find('\n'); nl != std::string::npos) {
      ready_line = line.substr(0, nl);
      break;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return fail(fmt::format("not ready after {} s", spec.startup.count()));
    }
    pollfd fds[3] = {{tree->report_fd(), POLLIN, 0},
                     {interrupts.get(), POLLIN, 0},
                     {ready.read.get(), POLLIN, 0}};
    ::poll(fds, ready_fd_open ? 3 : 2, static_cast<int>(left.count()));
    if (fds[1].revents != 0) {
      // Left pending for the runner; which one it is decides the exit status.
      const int signo = core::pending_stop_signal();
      auto failed = fail("interrupted by " + core::signal_name(signo));
      return util::interrupted(std::move(failed.error.what), signo);
    }
    if (fds[2].revents != 0) {
      char buffer[256];
      const ssize_t n = ::read(ready.read.get(), buffer, sizeof buffer);
      if (n > 0) {
        line.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0) {
        ready_fd_open = false; // closed without a line: wait for the exit status
      }
    }
    if (fds[0].revents != 0 && tree->read_reports()) {
      return fail(describe_end(tree->status()));
    }
  }
  return Fixture{std::move(spec.label), std::move(*tree), std::move(ready.read)};
}

void Fixture::stop() {
  if (m_tree) {
    m_tree->terminate();
    m_tree->wait();
    m_tree.reset();
  }
}

} // namespace ginsttest::session
