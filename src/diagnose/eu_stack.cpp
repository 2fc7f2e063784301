#include "diagnose/eu_stack.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace ginsttest::diagnose {

namespace {

std::vector<std::string> common_argv(const std::filesystem::path& tool) {
  return {tool.string(), "--module", "--source", "--inlines", "-n", std::to_string(max_frames)};
}

} // namespace

std::vector<std::string> live_argv(const std::filesystem::path& tool, pid_t pid) {
  auto argv = common_argv(tool);
  argv.push_back("--pid=" + std::to_string(pid));
  return argv;
}

std::vector<std::string> core_argv(const std::filesystem::path& tool,
                                   const std::filesystem::path& core) {
  auto argv = common_argv(tool);
  argv.push_back("--core=" + core.string());
  return argv;
}

std::vector<std::string> tool_environment(const std::vector<std::string>& base) {
  std::vector<std::string> env;
  for (const auto& var : base) {
    if (var.rfind("DEBUGINFOD_URLS=", 0) != 0 && var.rfind("LC_ALL=", 0) != 0) {
      env.push_back(var);
    }
  }
  env.push_back("LC_ALL=C");
  return env;
}

namespace {

// "#3  0x00007f0a2c3e9dd0 parent_waits - /tmp/tree": the frame, or nullopt.
std::optional<core::Frame> parse_frame(std::string_view line) {
  const auto space = line.find(' ');
  if (space == std::string_view::npos) {
    return std::nullopt;
  }
  std::string_view rest = line.substr(space);
  rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
  const auto address_end = std::min(rest.find(' '), rest.size());
  std::string_view address = rest.substr(0, address_end);
  if (!address.starts_with("0x")) {
    return std::nullopt;
  }
  core::Frame frame;
  frame.address = util::to_number<std::uint64_t>(address.substr(2), 16).value_or(0);
  rest.remove_prefix(address_end);
  rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
  // The module follows the last " - ": C++ names hold spaces, paths rarely that.
  if (const auto dash = rest.rfind(" - "); dash != std::string_view::npos) {
    frame.module = std::string{rest.substr(dash + 3)};
    rest = rest.substr(0, dash);
  } else if (rest.starts_with("- ")) {
    frame.module = std::string{rest.substr(2)};
    rest = {};
  }
  if (rest != "??") {
    frame.function = std::string{rest};
  }
  return frame;
}

// "    ../sysdeps/unix/sysv/linux/pause.c:29:10" (the column is optional): into `frame`.
void parse_source(std::string_view line, core::Frame& frame) {
  line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
  // file:line[:column]; a file name may hold ':' itself, so from the right.
  auto last = line.rfind(':');
  if (last == std::string_view::npos) {
    frame.file = std::string{line};
    return;
  }
  auto before = line.rfind(':', last - 1);
  if (before != std::string_view::npos &&
      util::to_number<unsigned>(line.substr(before + 1, last - before - 1))) {
    last = before;
  }
  frame.line = util::to_number<unsigned>(line.substr(last + 1, line.find(':', last + 1) - last - 1))
                   .value_or(0);
  frame.file = std::string{line.substr(0, last)};
}

// eu-stack's words for a process it could not attach to, in ours, with its own kept.
std::string explain(std::string_view message) {
  const bool attaching = message.starts_with("dwfl_linux_proc_");
  if (attaching && (message.find("No such file or directory") != std::string_view::npos ||
                    message.find("No such process") != std::string_view::npos)) {
    return "the process was gone";
  }
  if (attaching && message.find("Operation not permitted") != std::string_view::npos) {
    return fmt::format("it cannot be traced ({}): another tracer holds it, or the kernel "
                       "forbids it (kernel.yama.ptrace_scope)",
                       message);
  }
  return std::string{message};
}

// Builds the processes line by line.
class Parser {
public:
  explicit Parser(pid_t pid) : m_pid(pid) {}

  void line(std::string_view text) {
    if (text.starts_with("PID ")) {
      const auto end = std::min(text.find(' ', 4), text.size());
      m_processes.push_back(core::ProcessStacks{});
      m_processes.back().pid = util::to_number<pid_t>(text.substr(4, end - 4)).value_or(0);
    } else if (text.starts_with("TID ") && !m_processes.empty()) {
      auto& thread = m_processes.back().threads.emplace_back();
      thread.tid = util::to_number<pid_t>(text.substr(4, text.find(':') - 4)).value_or(0);
    } else if (text.starts_with("#") && thread()) {
      if (auto frame = parse_frame(text)) {
        thread()->frames.push_back(std::move(*frame));
      }
    } else if (text.starts_with("    ") && thread() && !thread()->frames.empty()) {
      parse_source(text, thread()->frames.back());
    } else if (text.starts_with("eu-stack: ")) {
      error(text.substr(10));
    }
  }

  std::vector<core::ProcessStacks> finish() {
    for (auto& process : m_processes) {
      for (auto& thread : process.threads) {
        thread.frames_cut = thread.frames.size() >= max_frames;
      }
    }
    return std::move(m_processes);
  }

private:
  core::ThreadStack* thread() {
    return m_processes.empty() || m_processes.back().threads.empty()
               ? nullptr
               : &m_processes.back().threads.back();
  }

  void error(std::string_view message) {
    // The unwinder stops at the bottom of every stack it has no unwind data for (_start,
    // clone): with frames already found, that is the end of the stack.
    if (message.starts_with("dwfl_thread_getframes") && thread() && !thread()->frames.empty()) {
      return;
    }
    if (m_processes.empty()) {
      m_processes.push_back(core::ProcessStacks{});
      m_processes.back().pid = m_pid;
    }
    auto& error = m_processes.back().error;
    error += error.empty() ? "" : "; ";
    error += explain(message);
  }

  pid_t m_pid;
  std::vector<core::ProcessStacks> m_processes;
};

} // namespace

std::vector<core::ProcessStacks> parse_eu_stack(std::string_view output, pid_t pid) {
  Parser parser{pid};
  while (!output.empty()) {
    const auto end = std::min(output.find('\n'), output.size());
    parser.line(output.substr(0, end));
    output.remove_prefix(std::min(end + 1, output.size()));
  }
  return parser.finish();
}

} // namespace ginsttest::diagnose
