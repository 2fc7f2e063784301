#include "util/fd.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace ginsttest::util {

void Fd::reset(int fd) {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
  m_fd = fd;
}

bool make_pipe(Pipe& out, ReadEnd mode) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return false;
  }
  out.read.reset(fds[0]);
  out.write.reset(fds[1]);
  if (mode == ReadEnd::nonblocking) {
    const int flags = ::fcntl(fds[0], F_GETFL);
    ::fcntl(fds[0], F_SETFL, flags | O_NONBLOCK);
  }
  return true;
}

} // namespace ginsttest::util
