#include "diagnose/diagnoser.hpp"

#include "diagnose/eu_stack.hpp"
#include "process/program.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace ginsttest::diagnose {

namespace {

std::optional<std::filesystem::path> find_tool(const char* name, std::string_view search_path) {
  const std::string found = process::find_program(name, search_path);
  if (found.find('/') == std::string::npos || ::access(found.c_str(), X_OK) != 0) {
    return std::nullopt;
  }
  return std::filesystem::path{found};
}

} // namespace

Diagnoser Diagnoser::create(const DiagnoseOptions& options, std::vector<std::string>& warnings) {
  auto eu_stack = options.backtraces == core::StatusMode::no
                      ? std::nullopt
                      : find_tool("eu-stack", options.search_path);
  if (options.backtraces == core::StatusMode::yes && !eu_stack) {
    warnings.push_back("--backtraces=yes: eu-stack is not installed (Debian and Fedora: package "
                       "elfutils); no stacks are taken");
  }
  Diagnoser diagnoser{options, std::move(eu_stack), find_tool("coredumpctl", options.search_path),
                      read_core_setup()};
  return diagnoser;
}

Diagnoser::Diagnoser(const DiagnoseOptions& options, std::optional<std::filesystem::path> eu_stack,
                     std::optional<std::filesystem::path> coredumpctl, CoreSetup cores)
    : m_on_interrupt(options.backtraces == core::StatusMode::yes), m_cores(std::move(cores)) {
  if (options.backtraces == core::StatusMode::no || !eu_stack) {
    return;
  }
  CaptureSettings settings;
  settings.eu_stack = std::move(*eu_stack);
  settings.coredumpctl = std::move(coredumpctl);
  settings.env = tool_environment(options.env);
  settings.timeout = options.timeout;
  m_settings = std::move(settings);
  if (m_cores.route == CoreRoute::systemd_coredump && !m_settings->coredumpctl) {
    m_cores.route = CoreRoute::none;
    m_cores.why = "cores go to systemd-coredump, but coredumpctl is not installed";
  }
}

std::optional<std::uint64_t> Diagnoser::core_limit() const {
  if (!enabled() || m_cores.route == CoreRoute::none) {
    return std::nullopt;
  }
  return ~std::uint64_t{0}; // as large as the hard limit lets it be
}

std::optional<Capture> Diagnoser::stacks(pid_t monitor, core::BacktraceSource source) const {
  if (!enabled() || monitor <= 0) {
    return std::nullopt;
  }
  return Capture::of_processes(*m_settings, monitor, source);
}

CoreLookup Diagnoser::after_crash(int wait_status, const std::filesystem::path& work_dir,
                                  const std::string& program,
                                  std::chrono::system_clock::time_point started) {
  CoreLookup lookup;
  if (!enabled() || !crashed(wait_status)) {
    return lookup;
  }
  switch (m_cores.route) {
  case CoreRoute::file:
    if (const auto core = find_core(m_cores, work_dir, started)) {
      lookup.capture = Capture::of_core(*m_settings, *core, program);
    } else {
      lookup.note = fmt::format("no backtrace: no core file found (kernel.core_pattern is '{}'; "
                                "the process may have limited its own RLIMIT_CORE)",
                                m_cores.pattern);
    }
    break;
  case CoreRoute::systemd_coredump:
    lookup.capture = Capture::of_coredump(*m_settings, program, started, work_dir / "core");
    break;
  case CoreRoute::none:
    if (!m_said_why_no_core) {
      m_said_why_no_core = true;
      lookup.note = fmt::format("no backtrace: {} (said once per run)", m_cores.why);
    }
    break;
  }
  return lookup;
}

} // namespace ginsttest::diagnose
