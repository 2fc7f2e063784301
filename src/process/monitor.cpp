#include "process/monitor.hpp"

#include "process/protocol.hpp"

#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ginsttest::process {

namespace {

void send(int fd, ReportKind kind, SetupStep step, int value) noexcept {
  const Report report{kind, step, value};
  ssize_t n;
  do {
    n = ::write(fd, &report, sizeof report);
  } while (n < 0 && errno == EINTR);
}

// Reports held back to go in one write(), so that the runner wakes once for all of them. At most
// a handful, well under PIPE_BUF: the write is atomic.
class ReportBatch {
public:
  void add(ReportKind kind, int value) noexcept {
    if (m_count < max_reports) {
      m_reports[m_count++] = Report{kind, SetupStep::none, value};
    }
  }
  void flush(int fd) noexcept {
    if (m_count == 0) {
      return;
    }
    const auto bytes = m_count * sizeof(Report);
    ssize_t n;
    do {
      n = ::write(fd, m_reports, bytes);
    } while (n < 0 && errno == EINTR);
    m_count = 0;
  }

private:
  static constexpr std::size_t max_reports = 8;
  Report m_reports[max_reports];
  std::size_t m_count = 0;
};

std::int64_t now_ns() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// A snapshot of the process table, static so that the monitor allocates nothing.
constexpr std::size_t max_procs = 65536;
struct ProcEntry {
  pid_t pid;
  pid_t ppid;
};
ProcEntry g_procs[max_procs];
pid_t g_marked[max_procs];
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
  for (char c : "/stat") {
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
  long value = 0;
  for (const char* p = close_paren + 4; *p >= '0' && *p <= '9'; p++) { // skip ") S "
    value = value * 10 + (*p - '0');
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

  // Mark descendants in passes: a process is one if its parent is us or already marked.
  // A marked entry gets ppid 0 so it is not counted twice.
  const pid_t self = ::getpid();
  std::size_t n_marked = 0;
  for (bool grew = true; grew;) {
    grew = false;
    for (std::size_t i = 0; i < count; i++) {
      if (g_procs[i].ppid == 0) {
        continue;
      }
      bool is_descendant = g_procs[i].ppid == self;
      for (std::size_t j = 0; !is_descendant && j < n_marked; j++) {
        is_descendant = g_marked[j] == g_procs[i].ppid;
      }
      if (is_descendant) {
        g_marked[n_marked++] = g_procs[i].pid;
        g_procs[i].ppid = 0;
        grew = true;
      }
    }
  }
  int signalled = 0;
  for (std::size_t i = 0; i < n_marked; i++) {
    if (::kill(g_marked[i], sig) == 0) {
      signalled++;
      // A stopped process (SIGSTOP, or left stopped by a tracer) acts on SIGTERM only once it
      // runs again: as systemd does, it is continued.
      if (sig == SIGTERM) {
        ::kill(g_marked[i], SIGCONT);
      }
    }
  }
  return signalled;
}

// Moves `fd` to `lowest` or above so that setting up the descriptors below cannot clobber it.
int lift_fd(int fd, int lowest) noexcept {
  return fd < 0 || fd >= lowest ? fd : ::fcntl(fd, F_DUPFD_CLOEXEC, lowest);
}

} // namespace

namespace {

// Closes every descriptor in [from, to]; false when close_range() is not there.
bool close_between(unsigned from, unsigned to) noexcept {
  return from > to || ::close_range(from, to, 0) == 0;
}

} // namespace

void close_fds_except(int first, int keep, int also_keep) noexcept {
  // The kept ones in order; a missing second one (-1) is the first again.
  const unsigned a = static_cast<unsigned>(keep);
  const unsigned b = also_keep < 0 ? a : static_cast<unsigned>(also_keep);
  const unsigned low = a < b ? a : b;
  const unsigned high = a < b ? b : a;
  const unsigned f = static_cast<unsigned>(first);
  if (close_between(f, low - 1) && close_between(low + 1, high - 1) &&
      close_between(high + 1, ~0U)) {
    return;
  }
  for (int fd = first; fd < 65536; fd++) { // kernels before 5.9 have no close_range
    if (fd != keep && fd != also_keep) {
      ::close(fd);
    }
  }
}

namespace {

// "/proc/self/fd/N": a path that names what descriptor N names, for calls that take paths.
struct FdPath {
  char text[32];
  explicit FdPath(int fd) noexcept {
    char digits[12];
    int n = 0;
    unsigned value = static_cast<unsigned>(fd);
    do {
      digits[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value > 0 && n < 11);
    const char prefix[] = "/proc/self/fd/";
    std::size_t len = 0;
    for (const char* p = prefix; *p; p++) {
      text[len++] = *p;
    }
    while (n > 0) {
      text[len++] = digits[--n];
    }
    text[len] = '\0';
  }
};

// A directory opened without following a symlink at its last component (O_PATH), or -1.
int open_directory(int at, const char* path) noexcept {
  const int fd = ::openat(at, path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st {};
  if (fd >= 0 && (::fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode))) {
    ::close(fd);
    errno = ENOTDIR;
    return -1;
  }
  return fd;
}

// An entry opened without following a symlink at its last component (O_PATH), with its type
// in `mode`, or -1.
int open_entry(int at, const char* path, mode_t& mode) noexcept {
  const int fd = ::openat(at, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st {};
  if (fd >= 0 && ::fstat(fd, &st) != 0) {
    ::close(fd);
    return -1;
  }
  mode = st.st_mode;
  return fd;
}

// Binds the entry `name` of the real /tmp (`tmp_fd`) onto its mount point in `dir_fd`: a
// directory onto a directory, anything else onto an empty file. Returns 0 or an errno; an entry
// gone from /tmp since the runner looked is no error.
int bind_shared(int tmp_fd, int dir_fd, const char* name) noexcept {
  mode_t source_mode = 0;
  mode_t target_mode = 0;
  const int source = open_entry(tmp_fd, name, source_mode);
  if (source < 0) {
    return 0;
  }
  const int target = open_entry(dir_fd, name, target_mode);
  int err = 0;
  if (target < 0) {
    err = errno;
  } else if (S_ISLNK(source_mode) || S_ISDIR(source_mode) != S_ISDIR(target_mode)) {
    err = ENOTDIR; // it changed since the runner looked: not shared
  } else if (::mount(FdPath{source}.text, FdPath{target}.text, nullptr, MS_BIND | MS_REC,
                     nullptr) != 0) {
    err = errno;
  }
  ::close(source);
  if (target >= 0) {
    ::close(target);
  }
  return err == ENOTDIR ? 0 : err;
}

// Gives this process (and so the test) a mount namespace of its own, from which nothing mounted
// reaches the others. Returns 0 or an errno.
int enter_own_mounts() noexcept {
  if (::unshare(CLONE_NEWNS) != 0) {
    return errno;
  }
  return ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 ? 0 : errno;
}

// In the test's mount namespace, gives it a `place` (/tmp, /var/tmp) of its own, as systemd's
// PrivateTmp= does: `dir` is bind-mounted on it. Each of `shared` (entries of the real place,
// such as the X servers' sockets, whose mount points the runner made in `dir`) is first bound
// onto its mount point, so it stays visible. Everything is reached through descriptors opened
// without following symlinks, so no mount lands outside `dir`. Returns 0 or an errno.
int make_private_place(const char* dir, const char* place, char* const* shared) noexcept {
  // Opened in the new namespace, so that the mounts they are on belong to it.
  const int dir_fd = open_directory(AT_FDCWD, dir);
  const int tmp_fd = open_directory(AT_FDCWD, place);
  int err = dir_fd < 0 || tmp_fd < 0 ? errno : 0;
  for (std::size_t i = 0; err == 0 && shared[i]; i++) {
    err = bind_shared(tmp_fd, dir_fd, shared[i]);
  }
  if (err == 0 && ::mount(FdPath{dir_fd}.text, place, nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    err = errno;
  }
  if (dir_fd >= 0) {
    ::close(dir_fd);
  }
  if (tmp_fd >= 0) {
    ::close(tmp_fd);
  }
  return err;
}

// The test's private /tmp and /var/tmp (`var_dir` "" for none), and /dev/shm, the other place
// tests share files through by name, as an empty tmpfs: at most a quarter of the memory, since
// each test running at once has one (the host's is one for all, of half). Returns 0 or an errno.
int make_private_tmp(const MonitorSetup& s) noexcept {
  int err = make_private_place(s.private_tmp, "/tmp", s.shared_tmp);
  if (err == 0 && s.private_var_tmp[0] != '\0') {
    err = make_private_place(s.private_var_tmp, "/var/tmp", s.shared_var_tmp);
  }
  if (err == 0 &&
      ::mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=25%") != 0 &&
      errno != ENOENT) {
    err = errno;
  }
  return err;
}

// In the test's mount namespace, a /proc of the monitor's PID namespace: the test sees its own
// processes there, and nothing of the host's, another test's or the run's servers'.
int mount_own_proc() noexcept {
  return ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0 ? 0
                                                                                          : errno;
}

// The test's mounts, as its request and the monitor's namespace say: 0, or the errno with the
// step that failed in `step`.
int set_up_mounts(const MonitorSetup& s, const MonitorBase& base, SetupStep& step) noexcept {
  const bool private_tmp = s.private_tmp[0] != '\0';
  if (!private_tmp && !base.own_pids) {
    return 0;
  }
  step = private_tmp ? SetupStep::private_tmp : SetupStep::private_pids;
  int err = enter_own_mounts();
  if (err == 0 && private_tmp) {
    err = make_private_tmp(s);
  }
  if (err == 0 && base.own_pids) {
    step = SetupStep::private_pids;
    err = mount_own_proc();
  }
  return err;
}

// The argv that runs a script without "#!" with /bin/sh, as execvp and g_spawn do.
char* const* shell_argv(const MonitorSetup& s) noexcept {
  static char* sh_argv[16384];
  static char sh[] = "/bin/sh";
  sh_argv[0] = sh;
  sh_argv[1] = const_cast<char*>(s.program);
  std::size_t i = 1;
  while (s.argv[i] && i + 2 < sizeof sh_argv / sizeof sh_argv[0]) {
    sh_argv[i + 1] = s.argv[i];
    i++;
  }
  sh_argv[i + 1] = nullptr;
  return sh_argv;
}

// How starting the test went: its pid, or the step that failed with its errno (step none:
// the exec itself).
struct Start {
  pid_t pid = -1;
  SetupStep failed_step = SetupStep::none;
  int error = 0;
};

// Starts the test as the monitor's own user, in the monitor's working directory, with
// posix_spawn: default signal handling and nothing blocked.
Start spawn_test(const MonitorSetup& s) noexcept {
  posix_spawnattr_t attr;
  if (::posix_spawnattr_init(&attr) != 0) {
    return {-1, SetupStep::none, EINVAL};
  }
  // Handlers do not survive exec; ignored signals do. SIGINT and SIGPIPE are the ones the
  // spawner and the monitor ignore, so only they need resetting (each costs a syscall).
  sigset_t none;
  sigset_t ignored;
  ::sigemptyset(&none);
  ::sigemptyset(&ignored);
  ::sigaddset(&ignored, SIGINT);
  ::sigaddset(&ignored, SIGPIPE);
  ::posix_spawnattr_setsigmask(&attr, &none);
  ::posix_spawnattr_setsigdefault(&attr, &ignored);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  pid_t pid = -1;
  int err = ::posix_spawn(&pid, s.program, nullptr, &attr, s.argv, s.envp);
  if (err == ENOEXEC) {
    err = ::posix_spawn(&pid, "/bin/sh", nullptr, &attr, shell_argv(s), s.envp);
  }
  ::posix_spawnattr_destroy(&attr);
  return err == 0 ? Start{pid} : Start{-1, SetupStep::none, err};
}

// What a forked child tells the monitor when it cannot become the test.
struct ChildFailure {
  SetupStep step;
  int error;
};

// Starts the test as another user: a forked child drops to uid/gid (the monitor stays root, so
// the test cannot stop or kill it), enters the working directory as that user and executes
// the test. A close-on-exec pipe carries the reason back when that fails.
Start fork_test_as_user(const MonitorSetup& s) noexcept {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    return {-1, SetupStep::fork, errno};
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(pipe_fds[0]);
    auto fail = [&](SetupStep step) {
      const ChildFailure failure{step, errno};
      (void)!::write(pipe_fds[1], &failure, sizeof failure);
      ::_exit(127);
    };
    if (::setgroups(0, nullptr) != 0 || ::setgid(s.gid) != 0 || ::setuid(s.uid) != 0) {
      fail(SetupStep::credentials);
    }
    if (::chdir(s.cwd) != 0) {
      fail(SetupStep::chdir);
    }
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    ::sigaction(SIGINT, &default_action, nullptr);
    ::sigaction(SIGPIPE, &default_action, nullptr);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execve(s.program, s.argv, s.envp);
    if (errno == ENOEXEC) {
      ::execve("/bin/sh", shell_argv(s), s.envp);
    }
    fail(SetupStep::none);
  }
  const int fork_errno = errno;
  ::close(pipe_fds[1]);
  if (pid < 0) {
    ::close(pipe_fds[0]);
    return {-1, SetupStep::fork, fork_errno};
  }
  ChildFailure failure{};
  ssize_t n;
  do {
    n = ::read(pipe_fds[0], &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  ::close(pipe_fds[0]);
  if (n != static_cast<ssize_t>(sizeof failure)) {
    return {pid}; // end of file: the exec succeeded
  }
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  return {-1, failure.step, failure.error};
}

} // namespace

namespace {

// The signals the monitor waits for with sigtimedwait(): blocked from its start.
sigset_t waited_signals() noexcept {
  sigset_t waited;
  ::sigemptyset(&waited);
  ::sigaddset(&waited, SIGCHLD);
  ::sigaddset(&waited, stop_signal);
  ::sigaddset(&waited, kill_signal);
  return waited;
}

// How long a test runs before the monitor sends its pid (`started`) on its own: a test that
// ends sooner sends it with its last reports, so that the runner wakes once for it, and nothing
// competes with the test for the processor as it starts. The runner cannot stop a test before
// it has the pid; it waits at most this long.
constexpr std::int64_t started_delay_ns = 20 * 1000 * 1000;

// Reaps every child that has ended; the main process's wait status goes to `batch`. True when
// no child is left.
bool reap(pid_t main_pid, bool& main_done, ReportBatch& batch) noexcept {
  while (true) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) {
      return pid < 0 && errno == ECHILD;
    }
    if (pid == main_pid) {
      main_done = true;
      batch.add(ReportKind::exited, status);
    }
  }
}

// Waits for one of `waited`, `ns` at most (forever when negative); the signal, or -1. With
// `outside_only` (the monitor is pid 1 of its test's namespace), a SIGTERM sent from inside it
// (or a SIGUSR1) counts for nothing: a sender outside, the runner or the kernel, shows as pid 0.
int wait_for_signal(const sigset_t& waited, std::int64_t ns, bool outside_only) noexcept {
  const timespec timeout{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
  siginfo_t info{};
  const int signo = ::sigtimedwait(&waited, &info, ns < 0 ? nullptr : &timeout);
  if (signo != SIGCHLD && outside_only && info.si_pid != 0) {
    return -1;
  }
  return signo;
}

// Waits for the test's processes: reaps them, ends what the main process leaves running (SIGTERM,
// then SIGKILL after the grace period), and does the same when asked to (stop_signal); asked to
// kill (kill_signal), it kills what is left at once. Sends `started` and, when leftovers must be
// waited for, the exit status as they are due; the rest is left in `batch`. Returns how many
// processes were left running.
int watch_test(const MonitorSetup& s, pid_t main_pid, ReportBatch& batch) noexcept {
  const sigset_t waited = waited_signals();
  enum class Phase { running, terminating, killing } phase = Phase::running;
  const std::int64_t started_due = now_ns() + started_delay_ns;
  bool started_sent = false;
  batch.add(ReportKind::started, s.monitor_pid);
  bool main_done = false;
  int leftovers = 0;
  std::int64_t deadline = 0;
  while (true) {
    if (reap(main_pid, main_done, batch) && main_done) {
      return leftovers;
    }
    // What there is goes now when the pid is due, or when leftovers are to be waited for (the
    // exit status first, in case a leftover process kills the monitor during the grace period).
    if ((!started_sent && now_ns() >= started_due) || (main_done && phase == Phase::running)) {
      batch.flush(s.report_fd);
      started_sent = true;
    }
    if (main_done && phase == Phase::running) {
      // The test is over: whatever it left running goes too.
      leftovers = signal_descendants(SIGTERM);
      phase = Phase::terminating;
      deadline = now_ns() + s.grace_ns;
    }
    std::int64_t wait_ns = -1;
    if (phase == Phase::killing) {
      wait_ns = 20000000;
    } else if (phase == Phase::terminating) {
      wait_ns = std::max<std::int64_t>(0, deadline - now_ns());
    } else if (!started_sent) {
      wait_ns = std::max<std::int64_t>(0, started_due - now_ns());
    }
    const int signo = wait_for_signal(waited, wait_ns, s.ignore_inside_signals);
    if (signo == stop_signal && phase == Phase::running) {
      signal_descendants(SIGTERM);
      phase = Phase::terminating;
      deadline = now_ns() + s.grace_ns;
    } else if (signo == kill_signal) {
      // Ctrl-C again: no grace period, or none left.
      phase = Phase::killing;
    }
    if (phase == Phase::terminating && now_ns() >= deadline) {
      phase = Phase::killing;
    }
    if (phase == Phase::killing) {
      // Repeated until nothing is left: children of killed processes are re-parented to us.
      signal_descendants(SIGKILL);
    }
  }
}

} // namespace

MonitorBase prepare_monitor(pid_t parent, pid_t self) noexcept {
  MonitorBase base;
  // In a namespace of its own the monitor is pid 1.
  base.own_pids = ::getpid() != self;
  base.pid = self;
  if (self <= 0) {
    // Without its pid the runner could never stop the test.
    base.failed_step = SetupStep::fork;
    base.error = EPIPE;
  }
  const sigset_t waited = waited_signals();
  ::sigprocmask(SIG_SETMASK, &waited, nullptr);
  // SIGINT (Ctrl-C on a terminal is the runner's to handle) and SIGPIPE (a gone runner must not
  // kill us mid-report) stay ignored, as the spawner set them.
  if (::setsid() < 0) {
    base.failed_step = SetupStep::session;
    base.error = errno;
    return base;
  }
  // If whoever forked us dies, we get SIGTERM and end the test's processes like on a timeout.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  // (A parent outside the namespace shows as 0. Should the spawner be gone already, the socket
  // tells the standby when the runner is.)
  if (!base.own_pids && ::getppid() != parent) {
    ::_exit(1);
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  base.null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (base.null_fd < 0) {
    base.failed_step = SetupStep::fds;
    base.error = errno;
  }
  return base;
}

namespace {

// Makes 0-2 (and 3) the test's, and closes everything else but the report pipe and the
// spawner's: nothing of the runner leaks into the test. Reports a failure and exits.
void set_up_descriptors(MonitorSetup& s, const MonitorBase& base) noexcept {
  // 0-2 are the test's stdin, stdout and stderr, and 3 its readiness descriptor if it has one.
  const int first_free = s.ready_fd >= 0 ? 4 : 3;
  s.report_fd = lift_fd(s.report_fd, first_free);
  if (base.failed_step != SetupStep::none) {
    send(s.report_fd, ReportKind::setup_failed, base.failed_step, base.error);
    ::_exit(1);
  }
  s.output_fd = lift_fd(s.output_fd, first_free);
  s.error_fd = lift_fd(s.error_fd, first_free);
  s.ready_fd = lift_fd(s.ready_fd, first_free);
  const int null_fd = lift_fd(base.null_fd, first_free);
  if (s.report_fd < 0 || s.output_fd < 0 || s.error_fd < 0 || null_fd < 0 ||
      ::dup2(null_fd, 0) < 0 || ::dup2(s.output_fd, 1) < 0 || ::dup2(s.error_fd, 2) < 0 ||
      (s.ready_fd >= 0 && ::dup2(s.ready_fd, 3) < 0)) {
    send(s.report_fd, ReportKind::setup_failed, SetupStep::fds, errno);
    ::_exit(1);
  }
  s.spawned_fd = lift_fd(s.spawned_fd, first_free);
  close_fds_except(first_free, s.report_fd, s.spawned_fd);
}

// Sets the soft limit on core files to `bytes`, within the hard limit (-1: leaves it). The test
// inherits it from the monitor, which dumps no core of its own.
void raise_core_limit(std::int64_t bytes) noexcept {
  rlimit limit{};
  if (bytes < 0 || ::getrlimit(RLIMIT_CORE, &limit) != 0) {
    return;
  }
  const auto wanted = static_cast<rlim_t>(bytes);
  limit.rlim_cur =
      limit.rlim_max == RLIM_INFINITY || wanted < limit.rlim_max ? wanted : limit.rlim_max;
  ::setrlimit(RLIMIT_CORE, &limit);
}

// The last reports, in one write: leftovers, the CPU time and memory of every process of the
// test (all reaped by us by now: their usage is our children's), and `done`.
void report_end(const MonitorSetup& s, ReportBatch& batch, int leftovers) noexcept {
  batch.add(ReportKind::leftovers, leftovers);
  rusage usage{};
  if (::getrusage(RUSAGE_CHILDREN, &usage) == 0) {
    auto ms = [](const timeval& tv) {
      return static_cast<int>(tv.tv_sec * 1000 + tv.tv_usec / 1000);
    };
    batch.add(ReportKind::user_ms, ms(usage.ru_utime));
    batch.add(ReportKind::system_ms, ms(usage.ru_stime));
    batch.add(ReportKind::maxrss_kb, static_cast<int>(usage.ru_maxrss));
  }
  // The runner need not wait for our exit: with a private /tmp, that tears our mount namespace
  // down, which takes the kernel a while (an RCU grace period). In the runner's namespace the
  // mount points are plain directories, and removing them detaches what is mounted on them
  // here.
  batch.add(ReportKind::done, 0);
  batch.flush(s.report_fd);
}

} // namespace

void run_monitor(MonitorSetup& s, const MonitorBase& base) noexcept {
  set_up_descriptors(s, base);
  s.monitor_pid = base.pid;
  s.ignore_inside_signals = base.own_pids;
  SetupStep mount_step = SetupStep::none;
  if (const int err = set_up_mounts(s, base, mount_step); err != 0) {
    send(s.report_fd, ReportKind::setup_failed, mount_step, err);
    ::_exit(1);
  }
  raise_core_limit(s.core_limit);
  Start started;
  if (s.drop_credentials) {
    started = fork_test_as_user(s);
  } else if (::chdir(s.cwd) != 0) {
    started = {-1, SetupStep::chdir, errno};
  } else {
    started = spawn_test(s);
  }
  // The spawner may fork the next standby now, without taking the processor from the test's
  // start.
  if (s.spawned_fd >= 0) {
    ::close(s.spawned_fd);
  }
  if (started.pid < 0) {
    const bool exec_failed = started.failed_step == SetupStep::none;
    send(s.report_fd, exec_failed ? ReportKind::exec_failed : ReportKind::setup_failed,
         started.failed_step, started.error);
    ::_exit(exec_failed ? 0 : 1);
  }
  ReportBatch batch;
  report_end(s, batch, watch_test(s, started.pid, batch));
  ::_exit(0);
}

} // namespace ginsttest::process
