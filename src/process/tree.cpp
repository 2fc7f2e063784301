#include "process/tree.hpp"

#include "util/strings.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace ginsttest::process {
namespace {

// One record on the report pipe; small enough for write() to be atomic.
enum class ReportKind : std::int32_t {
  setup_failed = 1,
  exec_failed = 2,
  exited = 3,
  leftovers = 4
};
enum class SetupStep : std::int32_t { none = 0, session, fds, chdir, fork };
struct Report {
  ReportKind kind;
  SetupStep step;
  std::int32_t value;
};

const char* step_name(SetupStep step) {
  switch (step) {
  case SetupStep::session:
    return "setsid";
  case SetupStep::fds:
    return "setting up stdin/stdout/stderr";
  case SetupStep::chdir:
    return "chdir";
  case SetupStep::fork:
    return "fork";
  case SetupStep::none:
    break;
  }
  return "setup";
}

// Everything the monitor needs, laid out before fork() so the child allocates nothing.
struct Prepared {
  const char* program;
  std::vector<char*> argv;
  std::vector<char*> envp;
  const char* cwd;
  int output_fd;
  int report_fd;
  std::int64_t grace_ns;
  pid_t runner;
};

// ---- The monitor: async-signal-safe calls only from here to monitor_main's end. ----

void send(int fd, ReportKind kind, SetupStep step, int value) noexcept {
  const Report report{kind, step, value};
  ssize_t n;
  do {
    n = ::write(fd, &report, sizeof report);
  } while (n < 0 && errno == EINTR);
}

std::int64_t now_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// Process table snapshot, sized for any realistic test; static so the monitor allocates nothing.
constexpr std::size_t max_procs = 65536;
struct ProcEntry {
  pid_t pid;
  pid_t ppid;
};
ProcEntry g_procs[max_procs];
char g_dents[32768];

// Parses a decimal pid; -1 if `s` is not one.
pid_t parse_pid(const char* s) noexcept {
  if (*s < '0' || *s > '9') {
    return -1;
  }
  long value = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || value > 100000000) {
      return -1;
    }
    value = value * 10 + (*s - '0');
  }
  return static_cast<pid_t>(value);
}

// The parent pid from /proc/PID/stat, or -1.
pid_t read_ppid(int proc_fd, const char* pid_name) noexcept {
  char path[64];
  std::size_t len = 0;
  for (const char* p = pid_name; *p && len < 40; p++) {
    path[len++] = *p;
  }
  const char suffix[] = "/stat";
  for (char c : suffix) {
    path[len++] = c;
  }
  const int fd = ::openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  char buf[512];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) {
    return -1;
  }
  buf[n] = '\0';
  // "pid (comm) S ppid ...": comm may hold anything, so look for the last ')'.
  const char* close_paren = nullptr;
  for (ssize_t i = 0; i < n; i++) {
    if (buf[i] == ')') {
      close_paren = buf + i;
    }
  }
  if (!close_paren || close_paren + 4 >= buf + n) {
    return -1;
  }
  const char* p = close_paren + 4; // skip ") S "
  long value = 0;
  while (*p >= '0' && *p <= '9') {
    value = value * 10 + (*p++ - '0');
  }
  return static_cast<pid_t>(value);
}

// Sends `sig` to every descendant of this process; returns how many there were.
int signal_descendants(int sig) noexcept {
  const int proc_fd = ::open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (proc_fd < 0) {
    return 0;
  }
  std::size_t count = 0;
  while (true) {
    const long n = ::syscall(SYS_getdents64, proc_fd, g_dents, sizeof g_dents);
    if (n <= 0) {
      break;
    }
    for (long off = 0; off < n;) {
      // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
      unsigned short reclen;
      std::memcpy(&reclen, g_dents + off + 16, sizeof reclen);
      const char* name = g_dents + off + 19;
      off += reclen;
      const pid_t pid = parse_pid(name);
      if (pid <= 0 || count >= max_procs) {
        continue;
      }
      const pid_t ppid = read_ppid(proc_fd, name);
      if (ppid > 0) {
        g_procs[count++] = ProcEntry{pid, ppid};
      }
    }
  }
  ::close(proc_fd);

  // Mark descendants by repeated passes: a process is one if its parent is self or marked.
  // Marked entries get ppid = 0 after being counted, and their pid joins the frontier.
  const pid_t self = ::getpid();
  int signalled = 0;
  bool grew = true;
  static pid_t marked[max_procs];
  std::size_t n_marked = 0;
  while (grew) {
    grew = false;
    for (std::size_t i = 0; i < count; i++) {
      if (g_procs[i].ppid == 0) {
        continue;
      }
      bool is_descendant = g_procs[i].ppid == self;
      for (std::size_t j = 0; !is_descendant && j < n_marked; j++) {
        is_descendant = marked[j] == g_procs[i].ppid;
      }
      if (is_descendant) {
        marked[n_marked++] = g_procs[i].pid;
        g_procs[i].ppid = 0;
        grew = true;
      }
    }
  }
  for (std::size_t i = 0; i < n_marked; i++) {
    if (::kill(marked[i], sig) == 0) {
      signalled++;
    }
  }
  return signalled;
}

[[noreturn]] void exec_test(const Prepared& p) noexcept {
  // The test starts with default signal handling and nothing blocked.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; sig++) {
    ::sigaction(sig, &dfl, nullptr);
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(p.program, p.argv.data(), p.envp.data());
  send(p.report_fd, ReportKind::exec_failed, SetupStep::none, errno);
  ::_exit(127);
}

// Moves `fd` to a number above 2 so the dup2 onto 0-2 cannot clobber it.
int lift_fd(int fd) noexcept {
  return fd > 2 ? fd : ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

[[noreturn]] void monitor_main(Prepared& p) noexcept {
  sigset_t waited;
  ::sigemptyset(&waited);
  ::sigaddset(&waited, SIGCHLD);
  ::sigaddset(&waited, SIGTERM);
  ::sigprocmask(SIG_SETMASK, &waited, nullptr);
  // Ctrl-C on a terminal is the runner's to handle, not the monitor's.
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ign, nullptr);
  ::sigaction(SIGPIPE, &ign, nullptr);

  p.report_fd = lift_fd(p.report_fd);
  if (::setsid() < 0) {
    send(p.report_fd, ReportKind::setup_failed, SetupStep::session, errno);
    ::_exit(1);
  }
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != p.runner) {
    ::_exit(1); // the runner died before we got here
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);

  p.output_fd = lift_fd(p.output_fd);
  const int null_fd = lift_fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (p.report_fd < 0 || p.output_fd < 0 || null_fd < 0 || ::dup2(null_fd, 0) < 0 ||
      ::dup2(p.output_fd, 1) < 0 || ::dup2(p.output_fd, 2) < 0) {
    send(p.report_fd, ReportKind::setup_failed, SetupStep::fds, errno);
    ::_exit(1);
  }
  // Keep only 0-2 and the report pipe: no descriptor of the runner leaks into the test.
  const unsigned report = static_cast<unsigned>(p.report_fd);
  const bool below_closed = report == 3 || ::close_range(3, report - 1, 0) == 0;
  if (!below_closed || ::close_range(report + 1, ~0U, 0) != 0) {
    for (int fd = 3; fd < 65536; fd++) { // kernels before 5.9 have no close_range
      if (fd != p.report_fd) {
        ::close(fd);
      }
    }
  }
  if (::chdir(p.cwd) != 0) {
    send(p.report_fd, ReportKind::setup_failed, SetupStep::chdir, errno);
    ::_exit(1);
  }

  const pid_t main_pid = ::fork();
  if (main_pid < 0) {
    send(p.report_fd, ReportKind::setup_failed, SetupStep::fork, errno);
    ::_exit(1);
  }
  if (main_pid == 0) {
    exec_test(p);
  }

  enum class Phase { running, terminating, killing } phase = Phase::running;
  bool main_done = false;
  int leftovers = 0;
  std::int64_t deadline = 0;
  while (true) {
    bool none_left = false;
    while (true) {
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid > 0) {
        if (pid == main_pid) {
          main_done = true;
          send(p.report_fd, ReportKind::exited, SetupStep::none, status);
        }
        continue;
      }
      none_left = pid < 0 && errno == ECHILD;
      break;
    }
    if (none_left && main_done) {
      break;
    }
    if (main_done && phase == Phase::running) {
      // The test is over: whatever it left running goes too.
      leftovers = signal_descendants(SIGTERM);
      phase = Phase::terminating;
      deadline = now_ns() + p.grace_ns;
    }

    timespec timeout{};
    const timespec* wait_for = nullptr;
    if (phase != Phase::running) {
      std::int64_t left = phase == Phase::killing ? 20000000 : deadline - now_ns();
      if (left < 0) {
        left = 0;
      }
      timeout.tv_sec = static_cast<time_t>(left / 1000000000);
      timeout.tv_nsec = static_cast<long>(left % 1000000000);
      wait_for = &timeout;
    }
    const int sig = ::sigtimedwait(&waited, nullptr, wait_for);
    if (sig == SIGTERM && phase == Phase::running) {
      signal_descendants(SIGTERM);
      phase = Phase::terminating;
      deadline = now_ns() + p.grace_ns;
    }
    if (phase == Phase::terminating && now_ns() >= deadline) {
      phase = Phase::killing;
    }
    if (phase == Phase::killing) {
      // Repeated until nothing is left: children of killed processes are re-parented to us.
      signal_descendants(SIGKILL);
    }
  }
  send(p.report_fd, ReportKind::leftovers, SetupStep::none, leftovers);
  ::_exit(0);
}

// ---- End of the monitor. ----

} // namespace

util::Expected<Tree> Tree::spawn(const SpawnRequest& request) {
  util::Pipe reports;
  if (!util::make_pipe(reports, util::ReadEnd::nonblocking)) {
    return util::unexpected(fmt::format("cannot create a pipe: {}", util::errno_text(errno)));
  }

  // Copies that stay alive in this frame while the child uses the pointers.
  std::vector<std::string> argv_storage = request.argv;
  std::vector<std::string> env_storage = request.env;
  const std::string cwd = request.cwd.string();
  Prepared prepared{};
  prepared.program = request.program.c_str();
  for (auto& arg : argv_storage) {
    prepared.argv.push_back(arg.data());
  }
  prepared.argv.push_back(nullptr);
  for (auto& var : env_storage) {
    prepared.envp.push_back(var.data());
  }
  prepared.envp.push_back(nullptr);
  prepared.cwd = cwd.c_str();
  prepared.output_fd = request.output_fd;
  prepared.report_fd = reports.write.get();
  prepared.grace_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(request.kill_grace).count();
  prepared.runner = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    return util::unexpected(fmt::format("cannot fork: {}", util::errno_text(errno)));
  }
  if (pid == 0) {
    monitor_main(prepared);
  }
  return Tree{pid, std::move(reports.read)};
}

Tree::Tree(Tree&& other) noexcept
    : m_monitor(std::exchange(other.m_monitor, -1)), m_reaped(other.m_reaped),
      m_reports(std::move(other.m_reports)), m_status(std::move(other.m_status)) {}

Tree::~Tree() {
  if (m_monitor > 0 && !m_reaped) {
    terminate();
    wait();
  }
}

void Tree::terminate() {
  if (m_monitor > 0 && !m_reaped) {
    ::kill(m_monitor, SIGTERM);
  }
}

bool Tree::try_reap() {
  if (m_reaped || m_monitor <= 0) {
    return true;
  }
  int status = 0;
  const pid_t pid = ::waitpid(m_monitor, &status, WNOHANG);
  if (pid == m_monitor || (pid < 0 && errno == ECHILD)) {
    m_reaped = true;
    read_reports();
  }
  return m_reaped;
}

void Tree::wait() {
  if (m_reaped || m_monitor <= 0) {
    return;
  }
  int status = 0;
  while (::waitpid(m_monitor, &status, 0) < 0 && errno == EINTR) {
  }
  m_reaped = true;
  read_reports();
}

void Tree::read_reports() {
  Report report{};
  while (m_reports && ::read(m_reports.get(), &report, sizeof report) == sizeof report) {
    switch (report.kind) {
    case ReportKind::exited:
      m_status.wait_status = report.value;
      break;
    case ReportKind::exec_failed:
      m_status.exec_errno = report.value;
      break;
    case ReportKind::setup_failed:
      m_status.setup_error =
          fmt::format("{}: {}", step_name(report.step), util::errno_text(report.value));
      break;
    case ReportKind::leftovers:
      m_status.leftovers = report.value;
      break;
    }
  }
  m_reports.reset();
}

} // namespace ginsttest::process
