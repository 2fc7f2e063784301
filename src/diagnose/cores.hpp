// Where the kernel puts a crashed test's core, and finding it there. The runner never changes
// where cores go (kernel.core_pattern is the system's): it raises the test's RLIMIT_CORE when
// cores are written as files or handed to systemd-coredump, and reads them from there.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace ginsttest::diagnose {

enum class CoreRoute {
  file,             // written as a file; a relative pattern puts it in the crashed process's cwd
  systemd_coredump, // piped to systemd-coredump: read with coredumpctl
  none,             // piped elsewhere (apport), or no core can be had: `why`
};

struct CoreSetup {
  CoreRoute route = CoreRoute::none;
  std::string pattern;   // kernel.core_pattern
  bool uses_pid = false; // kernel.core_uses_pid: ".PID" added to a pattern without %p
  std::string why;       // for CoreRoute::none
};

// What kernel.core_pattern and kernel.core_uses_pid say (as read from /proc/sys), and whether
// the hard RLIMIT_CORE (`hard_limit`, bytes) lets a core be written at all.
CoreSetup core_setup(std::string_view pattern, bool uses_pid, std::uint64_t hard_limit);
// The same, read from this machine.
CoreSetup read_core_setup();

// Whether a process that ended with `wait_status` crashed: a fatal signal that dumps core
// (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGQUIT, SIGSYS), or a core was dumped.
bool crashed(int wait_status);

// The newest core file the kernel wrote under `setup` since `since`, for a process whose
// working directory was `work_dir`: a regular ELF core file whose name matches the pattern;
// nullopt when there is none.
std::optional<std::filesystem::path> find_core(const CoreSetup& setup,
                                               const std::filesystem::path& work_dir,
                                               std::chrono::system_clock::time_point since);

} // namespace ginsttest::diagnose
