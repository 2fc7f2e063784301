#include "process/spawner.hpp"

#include "process/protocol.hpp"
#include "util/strings.hpp"

#include "config.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace ginsttest::process {
namespace {

constexpr std::size_t max_message = sizeof(RequestHeader) + max_request_bytes;

std::filesystem::path spawner_program() {
  if (const char* path = std::getenv("GINSTTEST_SPAWNER"); path && *path) {
    return path;
  }
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto sibling = self.parent_path() / "ginsttest-spawner";
    if (::access(sibling.c_str(), X_OK) == 0) {
      return sibling;
    }
  }
  return std::filesystem::path{GINSTTEST_LIBEXECDIR} / "ginsttest-spawner";
}

} // namespace

util::Status pid_namespaces_work() {
  // A child that is pid 1 of a namespace of its own, and exits at once.
  const long pid = ::syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid == 0) {
    ::_exit(0);
  }
  if (pid < 0) {
    return util::unexpected(
        fmt::format("cannot make a PID namespace: {}", util::errno_text(errno)));
  }
  while (::waitpid(static_cast<pid_t>(pid), nullptr, 0) < 0 && errno == EINTR) {
  }
  return util::Ok{};
}

util::Expected<Spawner> Spawner::start(bool pid_namespaces) {
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    return util::unexpected(fmt::format("socketpair: {}", util::errno_text(errno)));
  }
  util::Fd ours{pair[0]};
  util::Fd theirs{pair[1]};
  const int size = static_cast<int>(max_message);
  ::setsockopt(ours.get(), SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  ::setsockopt(theirs.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);

  // The helper gets the socket as fd 3, /dev/null as stdin and stdout (it prints nothing and
  // must not keep a pipe on our stdout open), our stderr, no blocked signal and the default
  // handling of every signal, including those the runner may have inherited as ignored.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, theirs.get(), 3);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigset_t all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  // A process group of its own: what a terminal sends the runner's group (SIGHUP when it is
  // closed, SIGINT on Ctrl-C) is the runner's to handle; the helper would die of a SIGHUP, and
  // its monitors would then end their tests before the runner could report them.
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);

  const auto program = spawner_program();
  std::string program_arg = program.string();
  std::string runner_arg = std::to_string(::getpid());
  std::string mode_arg = "pid-namespaces";
  char* argv[] = {program_arg.data(), runner_arg.data(), pid_namespaces ? mode_arg.data() : nullptr,
                  nullptr};
  char* envp[] = {nullptr};
  pid_t pid = -1;
  const int err = ::posix_spawn(&pid, program.c_str(), &actions, &attr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (err != 0) {
    return util::unexpected(
        fmt::format("cannot start {}: {}", program.string(), util::errno_text(err)));
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

util::Status Spawner::spawn(const SpawnRequest& request, int report_fd) {
  std::string payload(sizeof(RequestHeader), '\0');
  RequestHeader header{};
  header.grace_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(request.kill_grace).count();
  header.argc = static_cast<std::uint32_t>(request.argv.size());
  header.envc = static_cast<std::uint32_t>(request.env.size());
  header.sharedc = static_cast<std::uint32_t>(request.shared_tmp_entries.size());
  header.var_sharedc = static_cast<std::uint32_t>(request.shared_var_tmp_entries.size());
  if (request.credentials) {
    header.has_credentials = 1;
    header.uid = request.credentials->uid;
    header.gid = request.credentials->gid;
  }
  header.core_limit = request.core_limit
                          ? static_cast<std::int64_t>(std::min<std::uint64_t>(
                                *request.core_limit, std::numeric_limits<std::int64_t>::max()))
                          : -1;
  std::memcpy(payload.data(), &header, sizeof header);
  auto add = [&](const std::string& s) {
    payload += s;
    payload.push_back('\0');
  };
  add(request.program);
  add(request.cwd.string());
  add(request.private_tmp.string());
  add(request.private_var_tmp.string());
  for (const auto& entry : request.shared_tmp_entries) {
    add(entry);
  }
  for (const auto& entry : request.shared_var_tmp_entries) {
    add(entry);
  }
  for (const auto& arg : request.argv) {
    add(arg);
  }
  for (const auto& var : request.env) {
    add(var);
  }
  if (payload.size() > max_message) {
    return util::unexpected(fmt::format("the command line and environment take {} bytes, more "
                                        "than the {} a test may have",
                                        payload.size() - sizeof header, max_request_bytes));
  }

  const int fds[4] = {request.output_fd,
                      request.error_fd >= 0 ? request.error_fd : request.output_fd, report_fd,
                      request.ready_fd};
  const std::size_t n_fds = request.ready_fd >= 0 ? 4 : 3;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof fds)] = {};
  iovec iov{payload.data(), payload.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = CMSG_SPACE(n_fds * sizeof(int));
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
  std::memcpy(CMSG_DATA(cmsg), fds, n_fds * sizeof(int));
  ssize_t sent;
  do {
    sent = ::sendmsg(m_socket.get(), &msg, MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) {
    return util::unexpected(
        fmt::format("cannot reach the spawner process: {}", util::errno_text(errno)));
  }
  return util::Ok{};
}

} // namespace ginsttest::process
