#include "util/fd.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace ginsttest::util {

void Fd::reset(int fd) {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  m_fd = fd;
}

bool write_all(int fd, std::string_view bytes) {
  std::uint64_t written = 0;
  return write_all(fd, bytes, written);
}

bool write_all(int fd, std::string_view bytes, std::uint64_t& written) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n == 0) {
      errno = EIO; // no progress and no reason: not to be retried forever
    }
    if (n <= 0) {
      return false;
    }
    written += static_cast<std::uint64_t>(n);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool make_pipe(Pipe& out, ReadEnd mode) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | (mode == ReadEnd::nonblocking ? O_NONBLOCK : 0)) != 0) {
    return false;
  }
  out.read.reset(fds[0]);
  out.write.reset(fds[1]);
  // The write end blocks: it is a test's stdout. O_NONBLOCK is its only status flag.
  return mode == ReadEnd::blocking || ::fcntl(fds[1], F_SETFL, 0) == 0;
}

Fd pidfd_open(pid_t pid) {
  return Fd{static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))};
}

bool pidfd_send_signal(int pidfd, int signo) {
  return ::syscall(SYS_pidfd_send_signal, pidfd, signo, nullptr, 0) == 0;
}

} // namespace ginsttest::util
