// What the run does to learn why a test hung or crashed (--backtraces): which captures it
// makes, with which tools, and where it finds cores. Made once per run from the options and
// the machine.
#pragma once

#include "core/config.hpp"
#include "diagnose/capture.hpp"
#include "diagnose/cores.hpp"

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ginsttest::diagnose {

struct DiagnoseOptions {
  core::StatusMode backtraces = core::StatusMode::automatic; // yes: also on Ctrl-C
  std::chrono::milliseconds timeout = core::defaults::backtrace_timeout;
  std::string search_path;      // PATH, where the tools are looked for
  std::vector<std::string> env; // the runner's environment, for the tools
};

// Why a crashed test has no backtrace, or the capture that reads its core.
struct CoreLookup {
  std::optional<Capture> capture;
  std::string note; // "" when there is nothing to say (said once per run already)
};

class Diagnoser {
public:
  // Finds the tools and reads where cores go; what --backtraces=yes asked for and cannot have
  // goes to `warnings`.
  static Diagnoser create(const DiagnoseOptions& options, std::vector<std::string>& warnings);
  // The same with `cores` as the machine's core setup and `eu_stack` as the tool (tests).
  Diagnoser(const DiagnoseOptions& options, std::optional<std::filesystem::path> eu_stack,
            std::optional<std::filesystem::path> coredumpctl, CoreSetup cores);

  // Whether stacks are taken at all.
  bool enabled() const { return m_settings.has_value(); }
  // Whether they are also taken when the run is interrupted.
  bool on_interrupt() const { return enabled() && m_on_interrupt; }
  // The RLIMIT_CORE a test gets, so that a crash leaves a core this run can read; nullopt:
  // as inherited.
  std::optional<std::uint64_t> core_limit() const;

  // The stacks of every process under `monitor`, taken now; nullopt when disabled.
  std::optional<Capture> stacks(pid_t monitor, core::BacktraceSource source) const;
  // For a test whose main process ended with `wait_status`: when it crashed, the capture that
  // reads its core (looked for in `work_dir`, the runner's path of the test's working directory;
  // `program` and `started` name it to systemd-coredump), or why there is none.
  CoreLookup after_crash(int wait_status, const std::filesystem::path& work_dir,
                         const std::string& program, std::chrono::system_clock::time_point started);

private:
  std::optional<CaptureSettings> m_settings;
  bool m_on_interrupt = false;
  CoreSetup m_cores;
  bool m_said_why_no_core = false;
};

} // namespace ginsttest::diagnose
