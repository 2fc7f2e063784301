#include "process/spawner.hpp"

#include "process/monitor.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
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

// A request: this header, then NUL-terminated strings: program, cwd, argv..., env...
struct RequestHeader {
  std::int64_t grace_ns;
  std::uint32_t argc;
  std::uint32_t envc;
};

// ---- The spawner process: async-signal-safe calls only, static buffers. ----

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

// Handles one request: forks the monitor; returns its pid or -errno.
pid_t serve(std::size_t size, int output_fd, int report_fd, pid_t self) noexcept {
  RequestHeader header;
  if (size < sizeof header) {
    return -EINVAL;
  }
  std::memcpy(&header, g_request, sizeof header);
  if (std::size_t{header.argc} + header.envc + 2 > max_pointers || header.argc == 0) {
    return -E2BIG;
  }
  char* p = g_request + sizeof header;
  const char* end = g_request + size;
  char* fixed[3];
  char** argv = g_pointers;
  char** envp = g_pointers + header.argc + 1;
  if (!(p = take_strings(p, end, 2, fixed)) || !(p = take_strings(p, end, header.argc, argv)) ||
      !take_strings(p, end, header.envc, envp)) {
    return -EINVAL;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    MonitorSetup setup{fixed[0], argv, envp, fixed[1], output_fd, report_fd, header.grace_ns, self};
    run_monitor(setup);
  }
  return pid < 0 ? -errno : pid;
}

[[noreturn]] void spawner_main(int sock, pid_t runner) noexcept {
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGINT, &ignore, nullptr); // Ctrl-C is the runner's to handle
  ::sigaction(SIGPIPE, &ignore, nullptr);
  // When the runner dies, so do we (SIGTERM's default action), and our monitors get SIGTERM.
  ::prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (::getppid() != runner) {
    ::_exit(1);
  }
  close_fds_except(sock);
  const pid_t self = ::getpid();

  while (true) {
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    iovec iov{g_request, sizeof g_request};
    alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))];
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
    int fds[2] = {-1, -1};
    const cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    if (cmsg && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS &&
        cmsg->cmsg_len == CMSG_LEN(2 * sizeof(int))) {
      std::memcpy(fds, CMSG_DATA(cmsg), sizeof fds);
    }
    std::int32_t reply = -EBADF;
    if (fds[0] >= 0 && fds[1] >= 0 && !(msg.msg_flags & MSG_TRUNC)) {
      reply = serve(static_cast<std::size_t>(n), fds[0], fds[1], self);
    } else if (msg.msg_flags & MSG_TRUNC) {
      reply = -E2BIG;
    }
    for (int fd : fds) {
      if (fd >= 0) {
        ::close(fd);
      }
    }
    while (::send(sock, &reply, sizeof reply, MSG_NOSIGNAL) < 0 && errno == EINTR) {
    }
  }
  while (::waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
  }
  ::_exit(0);
}

// ---- End of the spawner process. ----

} // namespace

util::Expected<Spawner> Spawner::start() {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    return util::unexpected(fmt::format("socketpair: {}", util::errno_text(errno)));
  }
  util::Fd ours{pair[0]};
  util::Fd theirs{pair[1]};
  const int size = static_cast<int>(sizeof g_request);
  ::setsockopt(ours.get(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  ::setsockopt(theirs.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  const pid_t runner = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    return util::unexpected(fmt::format("cannot fork: {}", util::errno_text(errno)));
  }
  if (pid == 0) {
    spawner_main(theirs.get(), runner);
  }
  return Spawner{pid, std::move(ours)};
}

Spawner::Spawner(Spawner&& other) noexcept
    : m_pid(std::exchange(other.m_pid, -1)), m_socket(std::move(other.m_socket)) {}

Spawner::~Spawner() {
  if (m_pid > 0) {
    m_socket.reset(); // end of file: the spawner waits for its monitors and exits
    while (::waitpid(m_pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

util::Expected<pid_t> Spawner::spawn(const SpawnRequest& request, int report_fd) {
  std::string payload(sizeof(RequestHeader), '\0');
  const RequestHeader header{
      std::chrono::duration_cast<std::chrono::nanoseconds>(request.kill_grace).count(),
      static_cast<std::uint32_t>(request.argv.size()),
      static_cast<std::uint32_t>(request.env.size())};
  std::memcpy(payload.data(), &header, sizeof header);
  auto add = [&](const std::string& s) {
    payload += s;
    payload.push_back('\0');
  };
  add(request.program);
  add(request.cwd.string());
  for (const auto& arg : request.argv) {
    add(arg);
  }
  for (const auto& var : request.env) {
    add(var);
  }
  if (payload.size() > sizeof g_request) {
    return util::unexpected(fmt::format("the command line and environment take {} bytes, more "
                                        "than the {} a test may have",
                                        payload.size() - sizeof header, max_request_bytes));
  }

  const int fds[2] = {request.output_fd, report_fd};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)] = {};
  iovec iov{payload.data(), payload.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof fds);
  std::memcpy(CMSG_DATA(cmsg), fds, sizeof fds);
  ssize_t sent;
  do {
    sent = ::sendmsg(m_socket.get(), &msg, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    return util::unexpected(
        fmt::format("cannot reach the spawner process: {}", util::errno_text(errno)));
  }
  std::int32_t reply = 0;
  ssize_t got;
  do {
    got = ::recv(m_socket.get(), &reply, sizeof reply, 0);
  } while (got < 0 && errno == EINTR);
  if (got != sizeof reply) {
    return util::unexpected("the spawner process is gone");
  }
  if (reply < 0) {
    return util::unexpected(
        fmt::format("cannot start a monitor process: {}", util::errno_text(-reply)));
  }
  return static_cast<pid_t>(reply);
}

} // namespace ginsttest::process
