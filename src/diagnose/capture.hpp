// One capture of stacks: eu-stack run on each live process of a test, or on its core, as child
// processes of the runner watched by its poll loop (never waited for in it), under one
// deadline. Nothing is left running: what has not ended by the deadline is killed and reaped,
// and the processes it was tracing are named with that reason.
#pragma once

#include "core/backtrace.hpp"
#include "util/fd.hpp"

#include <poll.h>
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::diagnose {

using Clock = std::chrono::steady_clock;

// How captures run.
struct CaptureSettings {
  std::filesystem::path eu_stack;
  std::optional<std::filesystem::path> coredumpctl; // for cores kept by systemd-coredump
  std::vector<std::string> env;                     // see tool_environment()
  std::chrono::milliseconds timeout{5000};          // the whole capture's
  std::size_t at_once = 4;                          // tools running at the same time
};

// One tool run: its command, then its process and what it wrote.
struct ToolRun;

class Capture {
public:
  // The stacks of every process under `monitor` (its descendants, as /proc has them now).
  static Capture of_processes(const CaptureSettings& settings, pid_t monitor,
                              core::BacktraceSource source);
  // The stacks in the core file `core` of a process running `command`; its first thread is the
  // one that crashed.
  static Capture of_core(const CaptureSettings& settings, const std::filesystem::path& core,
                         const std::string& command);
  // The same from the core systemd-coredump keeps of `program`, crashed since `since`: fetched
  // into `into` with coredumpctl (asked again while it is still being stored), then read.
  static Capture of_coredump(const CaptureSettings& settings, const std::string& program,
                             std::chrono::system_clock::time_point since,
                             const std::filesystem::path& into);

  Capture(Capture&&) noexcept;
  Capture& operator=(Capture&&) noexcept;
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;
  // Kills and reaps whatever still runs.
  ~Capture();

  // Appends the descriptors to poll now; on_poll() takes them back after the poll.
  void add_fds(std::vector<pollfd>& fds);
  // Reads what the tools wrote (`fds` as polled, from where add_fds appended); starts the next
  // ones as others end.
  void on_poll(const std::vector<pollfd>& fds);
  // Every tool has ended (or nothing was to be done).
  bool done() const;
  // When to wake for it: its deadline, or sooner to ask coredumpctl again.
  Clock::time_point wake_by() const;
  bool past_deadline() const { return Clock::now() >= m_deadline; }

  // Kills what still runs and returns the stacks found. What was not captured is named with
  // `cut_short` when given (the capture was ended early), else with its deadline.
  core::Backtrace finish(std::string_view cut_short = {});

private:
  Capture(const CaptureSettings& settings, core::BacktraceSource source);
  // Starts queued runs while fewer than `at_once` run.
  void start_queued();
  // The run ended (end of file on its pipe): reaps it; a fetched core gets read next.
  void ended(ToolRun& run);

  CaptureSettings m_settings;
  core::BacktraceSource m_source;
  Clock::time_point m_started;
  Clock::time_point m_deadline;
  std::optional<Clock::time_point> m_retry_at; // coredumpctl found nothing yet
  std::vector<ToolRun> m_runs;                 // in the order the processes were found
  std::vector<std::size_t> m_polled;           // m_runs indexes of the fds add_fds gave
  std::size_t m_polled_from = 0;
  std::optional<std::filesystem::path> m_core;
};

} // namespace ginsttest::diagnose
