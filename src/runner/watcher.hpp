// The middle step of running a test: watching it. The watcher knows process trees, their
// output pipes, deadlines and the signalfd through which the runner receives the stop signals
// (core::stop_signals); it knows nothing about tests. Output goes to each tree's OutputSink as it
// arrives.
#pragma once

#include "core/backtrace.hpp"
#include "diagnose/diagnoser.hpp"
#include "process/tree.hpp"
#include "util/expected.hpp"
#include "util/fd.hpp"

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace ginsttest::runner {

using Clock = std::chrono::steady_clock;

enum class Stream { out, err };

// Receives one tree's output.
class OutputSink {
public:
  virtual void on_output(Stream from, std::string_view data) = 0;
  // Both pipes are at end of file (or were cut because something outlived the tree).
  virtual void on_end() = 0;

protected:
  ~OutputSink() = default;
};

// One process tree to watch, and the read ends (non-blocking) of its output pipes: `out`
// carries stdout, and stderr too unless `err` is open.
struct Watched {
  std::size_t id = 0;
  process::Tree tree;
  util::Fd out;
  util::Fd err;
  std::optional<Clock::time_point> deadline; // the tree is terminated when it passes
  OutputSink* sink = nullptr;                // must outlive the watch
  // How long its monitor may take to end the tree once signalled, before it is killed itself
  // (process::Tree::kill_monitor); 0: forever.
  std::chrono::milliseconds stop_bound{0};
  // Takes the stacks of its processes before its deadline (or an interruption) ends it, and
  // reads its core when it crashed; nullptr: neither. Must outlive the watch.
  diagnose::Diagnoser* diagnoser = nullptr;
  // Where its cores land and who it is for systemd-coredump: its working directory (the
  // runner's path of it), its program, when it started.
  std::filesystem::path work_dir;
  std::string program;
  std::chrono::system_clock::time_point started{};
};

// A tree that is gone, all of its output read.
struct Ended {
  std::size_t id = 0;
  bool timed_out = false; // its deadline ended it
  int interrupted_by = 0; // terminate_all(signo) ended it
  process::TreeStatus status;
  std::optional<core::Backtrace> backtrace; // see Watched::diagnoser
  std::vector<std::string> notes;           // why a crash has no backtrace
};

// What one wait brought.
struct Woken {
  int stop_signal = 0; // a stop signal received (SIGINT, SIGTERM, SIGHUP), else 0
  std::vector<Ended> ended;
};

class Watcher {
public:
  // The stop signals (core::stop_signals) must already be blocked in the calling thread.
  static util::Expected<Watcher> create();

  Watcher(Watcher&&) noexcept;
  Watcher& operator=(Watcher&&) = delete;
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;
  // Trees still watched are terminated all at once, then waited for.
  ~Watcher();

  void add(Watched watched);
  bool empty() const { return m_watched.empty(); }

  // Waits for signals, output, trees ending or deadlines, up to `wake_by` at the latest.
  Woken poll_once(std::optional<Clock::time_point> wake_by);

  // Terminates every tree, to be reported as interrupted by `signo`.
  void terminate_all(int signo);
  // Kills every tree now, without the rest of its grace period (see process::Tree::kill).
  void kill_all();

private:
  // When the tree's monitor, signalled, is to be killed if it has not ended it; unset: never.
  static std::optional<Clock::time_point> monitor_deadline(const Watched& watched);
  struct Entry;
  explicit Watcher(util::Fd signals);
  // Moves the trees that have ended into `out`.
  void collect_ended(std::vector<Ended>& out);
  // Ends the tree: after taking its stacks, when its diagnoser takes them on `source`.
  static void stop(Entry& entry, core::BacktraceSource source);
  // Stacks asked for before the tree's monitor had sent its pid are taken once it has.
  static void take_owed_capture(Entry& entry);
  // A crashed tree's core is to be read before it is told as ended: true while it is.
  static bool reading_core(Entry& entry);

  util::Fd m_signals;
  std::vector<std::unique_ptr<Entry>> m_watched;
};

} // namespace ginsttest::runner
