#include "process/spawner_loop.hpp"

#include "process/monitor.hpp"
#include "process/protocol.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace ginsttest::process {
namespace {

// Static buffers: the spawner and its monitors allocate nothing.
char g_request[sizeof(RequestHeader) + max_request_bytes];
constexpr std::size_t max_pointers = 16384;
char* g_pointers[max_pointers];

// Splits `count` NUL-terminated strings starting at `p` (ending before `end`) into `out`,
// followed by a null pointer. Returns the position after them, or null if they do not fit.
char* take_strings(char* p, const char* end, std::uint32_t count, char** out) noexcept {
  for (std::uint32_t i = 0; i < count; i++) {
    const void* nul = p < end ? std::memchr(p, '\0', static_cast<std::size_t>(end - p)) : nullptr;
    if (!nul) {
      return nullptr;
    }
    out[i] = p;
    p = static_cast<char*>(const_cast<void*>(nul)) + 1;
  }
  out[count] = nullptr;
  return p;
}

void report_failure(int report_fd, int err) noexcept {
  const Report report{ReportKind::setup_failed,
                      err == EAGAIN || err == ENOMEM ? SetupStep::fork : SetupStep::request, err};
  (void)!::write(report_fd, &report, sizeof report);
}

// One request read from the socket, with its descriptors: output, error, report, and the
// optional ready descriptor (-1 when absent).
struct Received {
  ssize_t size = 0; // <= 0: the runner is done (or the socket failed)
  bool truncated = false;
  int fds[4] = {-1, -1, -1, -1};
};

Received receive(int sock) noexcept {
  Received in;
  iovec iov{g_request, sizeof g_request};
  alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  do {
    in.size = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  } while (in.size < 0 && errno == EINTR);
  in.truncated = (msg.msg_flags & MSG_TRUNC) != 0;
  const cmsghdr* cmsg = in.size > 0 ? CMSG_FIRSTHDR(&msg) : nullptr;
  if (cmsg && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS &&
      (cmsg->cmsg_len == CMSG_LEN(3 * sizeof(int)) ||
       cmsg->cmsg_len == CMSG_LEN(4 * sizeof(int)))) {
    std::memcpy(in.fds, CMSG_DATA(cmsg), cmsg->cmsg_len - CMSG_LEN(0));
  }
  return in;
}

void close_all(const int (&fds)[4]) noexcept {
  for (int fd : fds) {
    if (fd >= 0) {
      ::close(fd);
    }
  }
}

// Lays out the request in `g_request` for the monitor; 0 or an errno.
int parse(const Received& in, MonitorSetup& setup) noexcept {
  RequestHeader header;
  if (in.fds[0] < 0 || in.fds[1] < 0) {
    return EBADF;
  }
  if (in.truncated) {
    return E2BIG;
  }
  const auto size = static_cast<std::size_t>(in.size);
  if (size < sizeof header) {
    return EINVAL;
  }
  std::memcpy(&header, g_request, sizeof header);
  if (std::size_t{header.argc} + header.envc + header.sharedc + header.var_sharedc + 4 >
          max_pointers ||
      header.argc == 0) {
    return E2BIG;
  }
  char* p = g_request + sizeof header;
  const char* end = g_request + size;
  char* fixed[5];
  char** shared = g_pointers;
  char** var_shared = shared + header.sharedc + 1;
  char** argv = var_shared + header.var_sharedc + 1;
  char** envp = argv + header.argc + 1;
  if (!(p = take_strings(p, end, 4, fixed)) ||
      !(p = take_strings(p, end, header.sharedc, shared)) ||
      !(p = take_strings(p, end, header.var_sharedc, var_shared)) ||
      !(p = take_strings(p, end, header.argc, argv)) || !take_strings(p, end, header.envc, envp)) {
    return EINVAL;
  }
  setup.program = fixed[0];
  setup.argv = argv;
  setup.envp = envp;
  setup.cwd = fixed[1];
  setup.private_tmp = fixed[2];
  setup.private_var_tmp = fixed[3];
  setup.shared_tmp = shared;
  setup.shared_var_tmp = var_shared;
  setup.output_fd = in.fds[0];
  setup.error_fd = in.fds[1];
  setup.report_fd = in.fds[2];
  setup.ready_fd = in.fds[3];
  setup.grace_ns = header.grace_ns;
  setup.drop_credentials = header.has_credentials != 0;
  setup.uid = static_cast<uid_t>(header.uid);
  setup.gid = static_cast<gid_t>(header.gid);
  setup.core_limit = header.core_limit;
  return 0;
}

// What a standby monitor writes to the spawner when the runner has closed the socket. Otherwise
// it only closes its end of the pipe, once it has started its test (or died): the spawner then
// forks the next standby.
constexpr char runner_done = 'E';

// A monitor forked ahead of its request: it prepares what does not depend on the test, then
// waits for the next request itself, so that a request costs no fork on its way to its test.
[[noreturn]] void run_standby(int sock, int told, pid_t spawner, pid_t self) noexcept {
  const MonitorBase base = prepare_monitor(spawner, self);
  Received in = receive(sock);
  if (in.size <= 0) {
    (void)!::write(told, &runner_done, 1);
    ::_exit(0);
  }
  if (in.fds[2] < 0) {
    ::_exit(1); // no report pipe: nobody to tell
  }
  MonitorSetup setup{};
  if (const int err = parse(in, setup); err != 0) {
    report_failure(in.fds[2], err);
    ::_exit(1);
  }
  setup.spawned_fd = told;
  run_monitor(setup, base);
}

// fork(), or with `own_pids` a clone() that makes the child the first process (pid 1) of a new
// PID namespace, as systemd's raw_clone does: without a stack of its own, the child goes on
// from the call like a forked one.
pid_t fork_monitor(bool own_pids) noexcept {
  if (!own_pids) {
    return ::fork();
  }
  return static_cast<pid_t>(
      ::syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
}

// A standby in a PID namespace of its own is pid 1 there: the pid the runner knows it by is the
// one clone() returned here, which it reads from `pid_fd`. -1 when that fails.
pid_t receive_pid(int pid_fd) noexcept {
  pid_t pid = -1;
  ssize_t n;
  do {
    n = ::read(pid_fd, &pid, sizeof pid);
  } while (n < 0 && errno == EINTR);
  ::close(pid_fd);
  return n == static_cast<ssize_t>(sizeof pid) ? pid : -1;
}

// Forks a standby monitor; returns the read end of the pipe on which it tells that it has
// started its test (end of file) or that the runner is done, or -1 with `fork_errno` set.
int fork_standby(int sock, pid_t self, bool own_pids, int& fork_errno) noexcept {
  int told[2];
  int pid_pipe[2] = {-1, -1};
  if (::pipe2(told, O_CLOEXEC) != 0 || (own_pids && ::pipe2(pid_pipe, O_CLOEXEC) != 0)) {
    fork_errno = errno;
    return -1;
  }
  const pid_t pid = fork_monitor(own_pids);
  if (pid == 0) {
    ::close(told[0]);
    if (own_pids) {
      ::close(pid_pipe[1]);
    }
    run_standby(sock, told[1], self, own_pids ? receive_pid(pid_pipe[0]) : ::getpid());
  }
  fork_errno = errno;
  if (own_pids) {
    ::close(pid_pipe[0]);
    if (pid > 0) {
      (void)!::write(pid_pipe[1], &pid, sizeof pid);
    }
    ::close(pid_pipe[1]);
  }
  ::close(told[1]);
  if (pid < 0) {
    ::close(told[0]);
    return -1;
  }
  return told[0];
}

// Signals as monitors need them, death with the runner, and no descriptor but the socket.
void become_spawner(int sock, pid_t runner) noexcept {
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  // Every other signal has its default handling (see Spawner::start), so each monitor only has
  // SIGINT and SIGPIPE to reset for its test.
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ignore, nullptr); // Ctrl-C is the runner's to handle
  ::sigaction(SIGPIPE, &ignore, nullptr);
  // When the runner dies, so do we (SIGTERM's default action), and our monitors get SIGTERM.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != runner) {
    ::_exit(1);
  }
  close_fds_except(3, sock);
}

} // namespace

void run_spawner(int sock, pid_t runner, bool pid_namespaces) noexcept {
  become_spawner(sock, runner);
  const pid_t self = ::getpid();

  // Two standby monitors wait for requests (so that two tests may start at once); each is
  // replaced as soon as it has started its test. Finished monitors are reaped on the way.
  constexpr int standbys = 2;
  pollfd told[standbys];
  for (auto& slot : told) {
    slot = pollfd{-1, POLLIN, 0};
  }
  bool runner_gone = false;
  while (!runner_gone) {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    int waiting = 0;
    int fork_errno = 0;
    for (auto& slot : told) {
      if (slot.fd < 0) {
        slot.fd = fork_standby(sock, self, pid_namespaces, fork_errno);
      }
      waiting += slot.fd >= 0 ? 1 : 0;
    }
    if (waiting == 0) {
      // No standby: this request fails, and the next one gets another try.
      Received in = receive(sock);
      if (in.size <= 0) {
        break;
      }
      if (in.fds[2] >= 0) {
        report_failure(in.fds[2], fork_errno);
      }
      close_all(in.fds);
      continue;
    }
    if (::poll(told, standbys, -1) < 0) {
      continue; // EINTR
    }
    for (auto& slot : told) {
      if (slot.fd < 0 || slot.revents == 0) {
        continue;
      }
      char word = 0;
      if (::read(slot.fd, &word, 1) == 1 && word == runner_done) {
        runner_gone = true;
      }
      // Otherwise end of file: it started its test, or died trying; another takes its place.
      ::close(slot.fd);
      slot.fd = -1;
    }
  }
  while (::waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
  }
  ::_exit(0);
}

} // namespace ginsttest::process
