#include "diagnose/capture.hpp"

#include "diagnose/descendants.hpp"
#include "diagnose/eu_stack.hpp"
#include "util/strings.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace ginsttest::diagnose {

// What one tool writes at most: more is cut (a deep stack of many threads is well under it).
constexpr std::size_t max_tool_output = 4 * 1024 * 1024;
// How often coredumpctl is asked again while systemd-coredump stores the core.
constexpr std::chrono::milliseconds coredump_retry{250};

enum class ToolKind { stack, fetch_core };

struct ToolRun {
  ToolKind kind = ToolKind::stack;
  pid_t target = 0;    // the process whose stacks it takes (0 for a core)
  std::string command; // the target's command line, read before the capture
  std::vector<std::string> argv;
  pid_t pid = -1; // the tool's, once started
  util::Fd out;   // its stdout and stderr
  std::string output;
  int wait_status = -1;
  std::string failure; // why it could not run, or was killed

  bool started() const { return pid > 0 || wait_status >= 0 || !failure.empty(); }
  bool running() const { return pid > 0; }
};

namespace {

// Starts `run` with its stdout and stderr on a pipe, stdin /dev/null, in a process group of its
// own (a Ctrl-C on the terminal is the runner's to handle), signals as by default.
void spawn(ToolRun& run, const std::vector<std::string>& env) {
  util::Pipe pipe;
  if (!util::make_pipe(pipe, util::ReadEnd::nonblocking)) {
    run.failure = fmt::format("cannot create a pipe: {}", util::errno_text(errno));
    return;
  }
  std::vector<char*> argv;
  for (auto& arg : run.argv) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& var : env) {
    envp.push_back(const_cast<char*>(var.c_str()));
  }
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(&actions, pipe.write.get(), 1);
  ::posix_spawn_file_actions_adddup2(&actions, pipe.write.get(), 2);
  ::posix_spawnattr_init(&attr);
  sigset_t none;
  sigset_t all;
  ::sigemptyset(&none);
  ::sigfillset(&all);
  ::posix_spawnattr_setsigmask(&attr, &none);
  ::posix_spawnattr_setsigdefault(&attr, &all);
  ::posix_spawnattr_setpgroup(&attr, 0);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
  pid_t pid = -1;
  const int err = ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attr);
  if (err != 0) {
    run.failure = fmt::format("cannot run {}: {}", run.argv[0], util::errno_text(err));
    return;
  }
  run.pid = pid;
  run.out = std::move(pipe.read);
}

// Reads what `run` wrote; true at end of file.
bool read_output(ToolRun& run) {
  char buf[16384];
  while (true) {
    const ssize_t n = ::read(run.out.get(), buf, sizeof buf);
    if (n > 0) {
      const auto room = max_tool_output - std::min(max_tool_output, run.output.size());
      run.output.append(buf, std::min(room, static_cast<std::size_t>(n)));
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    return !(n < 0 && errno == EAGAIN);
  }
}

// Kills a run still going (SIGKILL: a tracer's tracees are let go by the kernel) and reaps it.
void stop(ToolRun& run, std::string why) {
  if (run.pid <= 0) {
    return;
  }
  if (run.wait_status < 0) {
    // Its whole process group (its own), should it have started others.
    ::kill(-run.pid, SIGKILL);
    int status = 0;
    while (::waitpid(run.pid, &status, 0) < 0 && errno == EINTR) {
    }
    run.failure = std::move(why);
  }
  run.pid = -1;
  run.out.reset();
}

} // namespace

Capture::Capture(const CaptureSettings& settings, core::BacktraceSource source)
    : m_settings(settings), m_source(source), m_started(Clock::now()),
      m_deadline(m_started + settings.timeout) {}

Capture::Capture(Capture&&) noexcept = default;
Capture& Capture::operator=(Capture&&) noexcept = default;

Capture::~Capture() {
  for (auto& run : m_runs) {
    stop(run, "");
  }
}

Capture Capture::of_processes(const CaptureSettings& settings, pid_t monitor,
                              core::BacktraceSource source) {
  Capture capture{settings, source};
  for (const pid_t pid : descendants(monitor)) {
    ToolRun run;
    run.target = pid;
    run.command = command_line(pid);
    run.argv = live_argv(settings.eu_stack, pid);
    capture.m_runs.push_back(std::move(run));
  }
  capture.start_queued();
  return capture;
}

Capture Capture::of_core(const CaptureSettings& settings, const std::filesystem::path& core,
                         const std::string& command) {
  Capture capture{settings, core::BacktraceSource::core};
  capture.m_core = core;
  ToolRun run;
  run.command = command;
  run.argv = core_argv(settings.eu_stack, core);
  capture.m_runs.push_back(std::move(run));
  capture.start_queued();
  return capture;
}

Capture Capture::of_coredump(const CaptureSettings& settings, const std::string& program,
                             std::chrono::system_clock::time_point since,
                             const std::filesystem::path& into) {
  Capture capture{settings, core::BacktraceSource::core};
  capture.m_core = into;
  ToolRun run;
  run.kind = ToolKind::fetch_core;
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(since.time_since_epoch()).count();
  run.argv = {settings.coredumpctl ? settings.coredumpctl->string() : "coredumpctl",
              "--no-pager",
              "--quiet",
              fmt::format("--since=@{}", seconds),
              "--output=" + into.string(),
              "dump",
              program};
  capture.m_runs.push_back(std::move(run));
  capture.start_queued();
  return capture;
}

void Capture::start_queued() {
  const auto running =
      std::count_if(m_runs.begin(), m_runs.end(), [](const ToolRun& run) { return run.running(); });
  auto free = static_cast<std::size_t>(running) < m_settings.at_once
                  ? m_settings.at_once - static_cast<std::size_t>(running)
                  : 0;
  for (auto& run : m_runs) {
    if (free == 0) {
      break;
    }
    if (!run.started() && !m_retry_at) {
      spawn(run, m_settings.env);
      free--;
    }
  }
}

void Capture::add_fds(std::vector<pollfd>& fds) {
  if (m_retry_at && Clock::now() >= *m_retry_at) {
    m_retry_at.reset();
    start_queued();
  }
  m_polled.clear();
  m_polled_from = fds.size();
  for (std::size_t i = 0; i < m_runs.size(); i++) {
    if (m_runs[i].running() && m_runs[i].wait_status < 0) {
      fds.push_back(pollfd{m_runs[i].out.get(), POLLIN, 0});
      m_polled.push_back(i);
    }
  }
}

void Capture::on_poll(const std::vector<pollfd>& fds) {
  for (std::size_t k = 0; k < m_polled.size(); k++) {
    const pollfd& fd = fds.at(m_polled_from + k);
    ToolRun& run = m_runs[m_polled[k]];
    if (fd.revents != 0 && run.wait_status < 0 && read_output(run)) {
      ended(run);
    }
  }
  m_polled.clear();
  start_queued();
}

void Capture::ended(ToolRun& run) {
  int status = 0;
  while (::waitpid(run.pid, &status, 0) < 0 && errno == EINTR) {
  }
  run.wait_status = status;
  run.pid = -1;
  run.out.reset();
  if (run.kind != ToolKind::fetch_core) {
    return;
  }
  // systemd-coredump stores the core after the process is gone: until it has, ask again.
  if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    if (Clock::now() + coredump_retry < m_deadline) {
      run.wait_status = -1;
      run.output.clear();
      m_retry_at = Clock::now() + coredump_retry;
    }
    return;
  }
  ToolRun read;
  read.command = run.argv.back(); // the program
  read.argv = core_argv(m_settings.eu_stack, *m_core);
  m_runs.push_back(std::move(read));
}

bool Capture::done() const {
  return !m_retry_at && std::all_of(m_runs.begin(), m_runs.end(), [](const ToolRun& run) {
    return run.wait_status >= 0 || (!run.running() && !run.failure.empty());
  });
}

namespace {

// What became of a run that gave no stack.
std::string no_stack(const ToolRun& run) {
  if (!run.failure.empty()) {
    return run.failure;
  }
  std::string_view said = run.output;
  said = said.substr(0, said.find('\n'));
  return said.empty() ? fmt::format("{} found no stack", run.argv.at(0)) : std::string{said};
}

// The processes `run` found, with what the runner knows of them.
std::vector<core::ProcessStacks> processes_found(const ToolRun& run, core::BacktraceSource source) {
  auto processes = parse_eu_stack(run.output, run.target);
  if (processes.empty()) {
    processes.emplace_back().pid = run.target;
    processes.back().error = no_stack(run);
  }
  for (auto& process : processes) {
    process.command = run.command;
    if (run.target > 0) {
      process.pid = run.target; // eu-stack's view of it is the runner's
      for (auto& thread : process.threads) {
        thread.name = thread_name(run.target, thread.tid);
      }
    }
    if (!run.failure.empty() && process.error != run.failure) {
      process.error += process.error.empty() ? run.failure : "; " + run.failure;
    }
    // The kernel writes the thread that received the signal first.
    if (source == core::BacktraceSource::core && !process.threads.empty()) {
      process.threads.front().crashed = true;
    }
  }
  return processes;
}

} // namespace

core::Backtrace Capture::finish(std::string_view cut_short) {
  const auto limit = !cut_short.empty()
                         ? std::string{cut_short}
                         : fmt::format("no stack within the capture's deadline of {} s",
                                       std::chrono::duration<double>(m_settings.timeout).count());
  for (auto& run : m_runs) {
    if (!run.started()) {
      run.failure = limit;
    }
    stop(run, limit);
  }
  m_retry_at.reset();
  core::Backtrace backtrace;
  backtrace.source = m_source;
  backtrace.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - m_started);
  for (const auto& run : m_runs) {
    if (run.kind == ToolKind::fetch_core) {
      const bool fetched =
          run.wait_status >= 0 && WIFEXITED(run.wait_status) && WEXITSTATUS(run.wait_status) == 0;
      if (!fetched) {
        auto& process = backtrace.processes.emplace_back();
        process.error = fmt::format("systemd-coredump gave no core: {}", no_stack(run));
      }
      continue;
    }
    for (auto& process : processes_found(run, m_source)) {
      backtrace.processes.push_back(std::move(process));
    }
  }
  std::error_code ec;
  if (m_core && std::filesystem::is_regular_file(*m_core, ec)) {
    backtrace.core_bytes = std::filesystem::file_size(*m_core, ec);
    backtrace.core_file = m_core;
  }
  return backtrace;
}

Clock::time_point Capture::wake_by() const {
  return m_retry_at ? std::min(*m_retry_at, m_deadline) : m_deadline;
}

} // namespace ginsttest::diagnose
