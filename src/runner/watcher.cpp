#include "runner/watcher.hpp"

#include "core/outcome.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

namespace ginsttest::runner {

namespace {
enum class Amount { some, all };
}

struct Watcher::Entry {
  explicit Entry(Watched w) : watched(std::move(w)) {}

  Watched watched;
  bool timed_out = false;
  int interrupted_by = 0;
  // Stacks being taken (then the tree is stopped), or a core being read (then it has ended).
  std::optional<diagnose::Capture> capture;
  bool stop_after_capture = false;
  // Stacks asked for before the monitor's pid came (at most its first 20 ms): taken once it has.
  std::optional<core::BacktraceSource> capture_owed;
  bool core_looked_for = false;
  std::optional<core::Backtrace> backtrace;
  std::vector<std::string> notes;

  // Keeps what the capture found (`cut_short`: why it ended before its tools did), and stops
  // the tree if that was waiting for it.
  void end_capture(std::string_view cut_short = {}) {
    backtrace = capture->finish(cut_short);
    capture.reset();
    if (std::exchange(stop_after_capture, false)) {
      watched.tree.terminate();
    }
  }

  // Reads what the tree has written to `stream`, one buffer at most (`Amount::some`) or all
  // there is now; closes the pipe at end of file.
  void read(Stream stream, Amount amount) {
    util::Fd& fd = stream == Stream::out ? watched.out : watched.err;
    char buf[65536];
    while (fd) {
      const ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n > 0) {
        watched.sink->on_output(stream, std::string_view{buf, static_cast<std::size_t>(n)});
        if (amount == Amount::some) {
          return;
        }
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0 && errno == EAGAIN) {
        return;
      }
      fd.reset();
    }
  }
};

namespace {

timespec time_left(Clock::time_point until) {
  const auto left = std::max(Clock::duration::zero(), until - Clock::now());
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
  return timespec{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
}

} // namespace

util::Expected<Watcher> Watcher::create() {
  const sigset_t set = core::stop_signals();
  util::Fd signals{::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)};
  if (!signals) {
    return util::unexpected(fmt::format("signalfd: {}", util::errno_text(errno)));
  }
  return Watcher{std::move(signals)};
}

Watcher::Watcher(util::Fd signals) : m_signals(std::move(signals)) {}

Watcher::Watcher(Watcher&& other) noexcept = default;

Watcher::~Watcher() {
  // Trees end their processes in their destructors, one after the other; ask all of them first.
  for (auto& entry : m_watched) {
    entry->watched.tree.terminate();
  }
}

void Watcher::add(Watched watched) {
  m_watched.push_back(std::make_unique<Entry>(std::move(watched)));
}

std::optional<Clock::time_point> Watcher::monitor_deadline(const Watched& watched) {
  const auto signalled = watched.tree.signalled_at();
  if (!signalled || watched.stop_bound.count() == 0 || watched.tree.status().monitor_killed) {
    return std::nullopt;
  }
  return *signalled + watched.stop_bound;
}

void Watcher::stop(Entry& entry, core::BacktraceSource source) {
  diagnose::Diagnoser* diagnoser = entry.watched.diagnoser;
  const bool wanted =
      diagnoser && (source != core::BacktraceSource::interrupt || diagnoser->on_interrupt());
  if (wanted && !entry.capture && !entry.watched.tree.finished()) {
    if (entry.watched.tree.monitor() <= 0) {
      entry.capture_owed = source; // see take_owed_capture
      return;
    }
    // Before any signal: a process stopping on SIGTERM would no longer show where it hung.
    entry.capture = diagnoser->stacks(entry.watched.tree.monitor(), source);
  }
  if (entry.capture) {
    entry.stop_after_capture = true;
    return;
  }
  entry.watched.tree.terminate();
}

void Watcher::take_owed_capture(Entry& entry) {
  if (!entry.capture_owed) {
    return;
  }
  entry.watched.tree.read_reports();
  if (entry.watched.tree.monitor() > 0 || entry.watched.tree.finished()) {
    stop(entry, *std::exchange(entry.capture_owed, std::nullopt));
  }
}

void Watcher::terminate_all(int signo) {
  for (auto& entry : m_watched) {
    entry->interrupted_by = signo;
    stop(*entry, core::BacktraceSource::interrupt);
  }
}

void Watcher::kill_all() {
  for (auto& entry : m_watched) {
    entry->capture_owed.reset();
    if (entry->capture) {
      entry->end_capture("the capture was cut short: the run was interrupted again");
    }
    entry->watched.tree.kill();
  }
}

Woken Watcher::poll_once(std::optional<Clock::time_point> wake_by) {
  // [0] signals, then per tree its report pipe and, while open, its stdout and stderr.
  constexpr std::size_t per_tree = 3;
  std::vector<pollfd> fds;
  fds.push_back(pollfd{m_signals.get(), POLLIN, 0});
  for (auto& entry : m_watched) {
    const Watched& w = entry->watched;
    fds.push_back(pollfd{w.tree.report_fd(), POLLIN, 0});
    fds.push_back(pollfd{w.out ? w.out.get() : -1, POLLIN, 0});
    fds.push_back(pollfd{w.err ? w.err.get() : -1, POLLIN, 0});
    if (w.deadline && (!wake_by || *w.deadline < *wake_by)) {
      wake_by = w.deadline;
    }
    if (const auto bound = monitor_deadline(w); bound && (!wake_by || *bound < *wake_by)) {
      wake_by = bound;
    }
  }
  // Then the descriptors of the captures under way.
  for (auto& entry : m_watched) {
    if (entry->capture) {
      entry->capture->add_fds(fds);
      const auto due = entry->capture->wake_by();
      wake_by = wake_by ? std::min(*wake_by, due) : due;
    }
  }
  timespec timeout{};
  if (wake_by) {
    timeout = time_left(*wake_by);
  }
  const int ready = ::ppoll(fds.data(), fds.size(), wake_by ? &timeout : nullptr, nullptr);
  if (ready < 0 && errno != EINTR) {
    throw std::runtime_error(fmt::format("ppoll: {}", util::errno_text(errno)));
  }

  // One buffer from each stream per round, so that what a test writes to both comes out close
  // to the order it was written in (two pipes cannot tell it exactly).
  for (std::size_t i = 0; ready > 0 && i < m_watched.size(); i++) {
    if (fds[2 + per_tree * i].revents != 0) {
      m_watched[i]->read(Stream::out, Amount::some);
    }
    if (fds[3 + per_tree * i].revents != 0) {
      m_watched[i]->read(Stream::err, Amount::some);
    }
  }

  Woken woken;
  signalfd_siginfo info{};
  while (::read(m_signals.get(), &info, sizeof info) == sizeof info) {
    if (woken.stop_signal == 0) {
      woken.stop_signal = static_cast<int>(info.ssi_signo);
    }
  }
  const auto now = Clock::now();
  for (auto& entry : m_watched) {
    take_owed_capture(*entry);
    if (entry->capture) {
      entry->capture->on_poll(fds);
      if (entry->capture->done() || entry->capture->past_deadline()) {
        entry->end_capture();
      }
    }
    auto& deadline = entry->watched.deadline;
    if (deadline && now >= *deadline) {
      deadline.reset();
      entry->timed_out = true;
      stop(*entry, core::BacktraceSource::timeout);
    }
    if (const auto bound = monitor_deadline(entry->watched); bound && now >= *bound) {
      entry->watched.tree.kill_monitor();
    }
  }
  // Also without a report event: terminate() may have read a monitor's end of file itself.
  collect_ended(woken.ended);
  return woken;
}

bool Watcher::reading_core(Entry& entry) {
  if (entry.capture) {
    return true; // stacks taken as it ended on its own, or its core being read
  }
  diagnose::Diagnoser* diagnoser = entry.watched.diagnoser;
  const auto& wait_status = entry.watched.tree.status().wait_status;
  if (std::exchange(entry.core_looked_for, true) || !diagnoser || !wait_status) {
    return false;
  }
  auto lookup = diagnoser->after_crash(*wait_status, entry.watched.work_dir, entry.watched.program,
                                       entry.watched.started);
  if (!lookup.note.empty()) {
    entry.notes.push_back(std::move(lookup.note));
  }
  entry.capture = std::move(lookup.capture);
  return entry.capture.has_value();
}

void Watcher::collect_ended(std::vector<Ended>& out) {
  auto it = m_watched.begin();
  while (it != m_watched.end()) {
    Entry& entry = **it;
    if (!entry.watched.tree.read_reports() || reading_core(entry)) {
      ++it;
      continue;
    }
    // Every process of the tree is gone, so this reaches end of file unless something escaped
    // it (then the output is cut here rather than waited for).
    entry.read(Stream::out, Amount::all);
    entry.read(Stream::err, Amount::all);
    entry.watched.sink->on_end();
    out.push_back(Ended{entry.watched.id, entry.timed_out, entry.interrupted_by,
                        entry.watched.tree.status(), std::move(entry.backtrace),
                        std::move(entry.notes)});
    it = m_watched.erase(it);
  }
}

} // namespace ginsttest::runner
