#include "process/spawner_loop.hpp"

#include "process/monitor.hpp"
#include "process/protocol.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
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

// Handles one request: forks the monitor; returns its pid or -errno.
pid_t serve(std::size_t size, const int (&fds)[4], pid_t self) noexcept {
  RequestHeader header;
  if (size < sizeof header) {
    return -EINVAL;
  }
  std::memcpy(&header, g_request, sizeof header);
  if (std::size_t{header.argc} + header.envc + header.sharedc + 3 > max_pointers ||
      header.argc == 0) {
    return -E2BIG;
  }
  char* p = g_request + sizeof header;
  const char* end = g_request + size;
  char* fixed[4];
  char** shared = g_pointers;
  char** argv = shared + header.sharedc + 1;
  char** envp = argv + header.argc + 1;
  if (!(p = take_strings(p, end, 3, fixed)) ||
      !(p = take_strings(p, end, header.sharedc, shared)) ||
      !(p = take_strings(p, end, header.argc, argv)) || !take_strings(p, end, header.envc, envp)) {
    return -EINVAL;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    MonitorSetup setup{};
    setup.program = fixed[0];
    setup.argv = argv;
    setup.envp = envp;
    setup.cwd = fixed[1];
    setup.private_tmp = fixed[2];
    setup.shared_tmp = shared;
    setup.output_fd = fds[0];
    setup.error_fd = fds[1];
    setup.report_fd = fds[2];
    setup.ready_fd = fds[3];
    setup.grace_ns = header.grace_ns;
    setup.parent = self;
    setup.drop_credentials = header.has_credentials != 0;
    setup.uid = static_cast<uid_t>(header.uid);
    setup.gid = static_cast<gid_t>(header.gid);
    run_monitor(setup);
  }
  return pid < 0 ? -errno : pid;
}

} // namespace

void run_spawner(int sock, pid_t runner) noexcept {
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
  const pid_t self = ::getpid();

  while (true) {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    iovec iov{g_request, sizeof g_request};
    alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break; // the runner is done
    }
    int fds[4] = {-1, -1, -1, -1}; // output, error, report, and the optional ready descriptor
    const cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    if (cmsg && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS &&
        (cmsg->cmsg_len == CMSG_LEN(3 * sizeof(int)) ||
         cmsg->cmsg_len == CMSG_LEN(4 * sizeof(int)))) {
      std::memcpy(fds, CMSG_DATA(cmsg), cmsg->cmsg_len - CMSG_LEN(0));
    }
    if (fds[2] >= 0) {
      const pid_t pid = fds[0] < 0 || fds[1] < 0 ? -EBADF
                        : (msg.msg_flags & MSG_TRUNC)
                            ? -E2BIG
                            : serve(static_cast<std::size_t>(n), fds, self);
      if (pid < 0) {
        report_failure(fds[2], static_cast<int>(-pid));
      }
    }
    for (int fd : fds) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
  }
  while (::waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
  }
  ::_exit(0);
}

} // namespace ginsttest::process
