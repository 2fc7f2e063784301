#include "diagnose/descendants.hpp"

#include "util/file.hpp"
#include "util/strings.hpp"

#include <dirent.h>
#include <fcntl.h>

#include <map>
#include <optional>

namespace ginsttest::diagnose {

namespace {

std::optional<pid_t> pid_named(std::string_view name) {
  const auto pid = util::to_number<pid_t>(name);
  return pid && *pid > 0 ? pid : std::nullopt;
}

// The text of a small file of /proc; "" when it cannot be read.
std::string proc_text(const std::string& path) {
  const util::Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW)};
  if (!fd) {
    return {};
  }
  auto text = util::read_to_end(fd.get(), 64 * 1024);
  return text ? std::move(*text) : std::string{};
}

// The parent in /proc/PID/stat ("pid (comm) S ppid ..."; comm may hold anything); nullopt when
// it cannot be read.
std::optional<pid_t> parent_of(pid_t pid) {
  const std::string stat = proc_text("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos || close + 4 >= stat.size()) {
    return std::nullopt;
  }
  const std::string_view rest = std::string_view{stat}.substr(close + 4);
  return pid_named(rest.substr(0, rest.find(' ')));
}

} // namespace

std::vector<pid_t> descendants(pid_t root) {
  std::multimap<pid_t, pid_t> children; // by parent
  if (const util::DirPtr dir{::opendir("/proc")}) {
    while (const dirent* entry = ::readdir(dir.get())) {
      const auto pid = pid_named(entry->d_name);
      if (!pid) {
        continue;
      }
      if (const auto parent = parent_of(*pid)) {
        children.emplace(*parent, *pid);
      }
    }
  }
  std::vector<pid_t> out;
  std::vector<pid_t> parents{root};
  // Breadth first: a pid is never its own descendant, so this ends.
  for (std::size_t next = 0; next < parents.size() && out.size() < 100000; next++) {
    const auto [first, last] = children.equal_range(parents[next]);
    for (auto it = first; it != last; ++it) {
      out.push_back(it->second);
      parents.push_back(it->second);
    }
  }
  return out;
}

std::string command_line(pid_t pid, std::size_t max) {
  const std::string dir = "/proc/" + std::to_string(pid);
  std::string text = proc_text(dir + "/cmdline");
  while (!text.empty() && text.back() == '\0') {
    text.pop_back();
  }
  if (text.empty()) {
    std::string comm = proc_text(dir + "/comm");
    if (!comm.empty() && comm.back() == '\n') {
      comm.pop_back();
    }
    return comm.empty() ? comm : "[" + comm + "]";
  }
  for (char& c : text) {
    c = c == '\0' ? ' ' : c;
  }
  if (text.size() > max) {
    text.resize(max);
    text += "…";
  }
  return text;
}

std::string thread_name(pid_t pid, pid_t tid) {
  std::string name =
      proc_text("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/comm");
  if (!name.empty() && name.back() == '\n') {
    name.pop_back();
  }
  return name;
}

} // namespace ginsttest::diagnose
