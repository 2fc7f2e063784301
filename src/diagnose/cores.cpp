#include "diagnose/cores.hpp"

#include "util/fd.hpp"
#include "util/file.hpp"

#include <elf.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <fnmatch.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

namespace ginsttest::diagnose {

CoreSetup core_setup(std::string_view pattern, bool uses_pid, std::uint64_t hard_limit) {
  CoreSetup setup;
  setup.pattern = std::string{pattern};
  setup.uses_pid = uses_pid;
  if (!pattern.empty() && pattern.front() == '|') {
    const auto handler = pattern.substr(1, pattern.find(' ') - 1);
    if (handler.find("systemd-coredump") != std::string_view::npos) {
      setup.route = CoreRoute::systemd_coredump;
    } else {
      setup.why = fmt::format("cores go to {} (kernel.core_pattern), which the runner does not "
                              "read; cores as files or systemd-coredump would give one",
                              handler);
    }
    return setup;
  }
  if (pattern.empty()) {
    setup.why = "kernel.core_pattern is empty: no core is written";
  } else if (hard_limit < 4096) {
    setup.why = "core dumps are disabled: the hard RLIMIT_CORE is 0 (ulimit -H -c)";
  } else {
    setup.route = CoreRoute::file;
  }
  return setup;
}

namespace {

std::string read_sys(const char* path) {
  const util::Fd fd{::open(path, O_RDONLY | O_CLOEXEC)};
  auto text = fd ? util::read_to_end(fd.get(), 4096) : util::Expected<std::string>{std::string{}};
  std::string value = text ? std::move(*text) : std::string{};
  while (!value.empty() && value.back() == '\n') {
    value.pop_back();
  }
  return value;
}

// The pattern as a shell pattern for fnmatch(): each %-specifier a '*', "%%" a '%'.
std::string name_glob(std::string_view pattern) {
  std::string glob;
  for (std::size_t i = 0; i < pattern.size(); i++) {
    const char c = pattern[i];
    if (c == '%' && i + 1 < pattern.size()) {
      glob += pattern[++i] == '%' ? "%" : "*";
    } else if (c == '*' || c == '?' || c == '[' || c == '\\') {
      glob += '\\';
      glob += c;
    } else {
      glob += c;
    }
  }
  return glob;
}

// Whether the file `fd` is an ELF core file.
bool is_core_file(int fd) {
  unsigned char header[EI_NIDENT + 2];
  if (::pread(fd, header, sizeof header, 0) != static_cast<ssize_t>(sizeof header) ||
      std::memcmp(header, ELFMAG, SELFMAG) != 0) {
    return false;
  }
  std::uint16_t type = 0;
  std::memcpy(&type, header + EI_NIDENT, sizeof type); // e_type, in the host's byte order
  return type == ET_CORE;
}

} // namespace

CoreSetup read_core_setup() {
  rlimit limit{};
  ::getrlimit(RLIMIT_CORE, &limit);
  const std::uint64_t hard = limit.rlim_max == RLIM_INFINITY ? ~std::uint64_t{0} : limit.rlim_max;
  return core_setup(read_sys("/proc/sys/kernel/core_pattern"),
                    read_sys("/proc/sys/kernel/core_uses_pid") == "1", hard);
}

bool crashed(int wait_status) {
  if (!WIFSIGNALED(wait_status)) {
    return false;
  }
  switch (WTERMSIG(wait_status)) {
  case SIGSEGV:
  case SIGABRT:
  case SIGBUS:
  case SIGFPE:
  case SIGILL:
  case SIGTRAP:
  case SIGQUIT:
  case SIGSYS:
    return true;
  default:
    return WCOREDUMP(wait_status);
  }
}

std::optional<std::filesystem::path> find_core(const CoreSetup& setup,
                                               const std::filesystem::path& work_dir,
                                               std::chrono::system_clock::time_point since) {
  if (setup.route != CoreRoute::file) {
    return std::nullopt;
  }
  std::filesystem::path pattern{setup.pattern};
  if (setup.uses_pid && setup.pattern.find("%p") == std::string::npos) {
    pattern += ".%p";
  }
  // A directory holding specifiers cannot be searched: only the file name may hold them.
  const auto dir = pattern.is_absolute() ? pattern.parent_path() : work_dir / pattern.parent_path();
  if (dir.string().find('%') != std::string::npos) {
    return std::nullopt;
  }
  const std::string glob = name_glob(pattern.filename().string());
  const auto since_s = std::chrono::system_clock::to_time_t(since);
  std::optional<std::filesystem::path> newest;
  timespec newest_time{};
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (::fnmatch(glob.c_str(), name.c_str(), FNM_PERIOD) != 0) {
      continue;
    }
    const util::Fd fd{::open(entry.path().c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)};
    struct stat st {};
    if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_mtime < since_s ||
        !is_core_file(fd.get())) {
      continue;
    }
    if (!newest || st.st_mtim.tv_sec > newest_time.tv_sec ||
        (st.st_mtim.tv_sec == newest_time.tv_sec && st.st_mtim.tv_nsec > newest_time.tv_nsec)) {
      newest = entry.path();
      newest_time = st.st_mtim;
    }
  }
  return newest;
}

} // namespace ginsttest::diagnose
