// RAII for file descriptors and directory streams.
#pragma once

#include <dirent.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>

namespace ginsttest::util {

// Owns one file descriptor; closes it on destruction. -1 means "none".
class Fd {
public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : m_fd(other.release()) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset(other.release());
    }
    return *this;
  }
  ~Fd() { reset(); }

  int get() const { return m_fd; }
  bool valid() const { return m_fd >= 0; }
  explicit operator bool() const { return valid(); }

  // Gives up ownership: the caller now closes the descriptor.
  int release() { return std::exchange(m_fd, -1); }
  // Closes the held descriptor (if any) and takes `fd`.
  void reset(int fd = -1);

private:
  int m_fd = -1;
};

// A pipe whose both ends are close-on-exec.
struct Pipe {
  Fd read;
  Fd write;
};

// Writes all of `bytes` to `fd`, retrying after EINTR and short writes; false (errno set) when
// a write fails.
bool write_all(int fd, std::string_view bytes);
// The same, adding to `written` what was written, also when a write fails.
bool write_all(int fd, std::string_view bytes, std::uint64_t& written);

// Creates a pipe with O_CLOEXEC on both ends (and O_NONBLOCK on the read end when asked).
enum class ReadEnd { blocking, nonblocking };
bool make_pipe(Pipe& out, ReadEnd mode);

// A pidfd naming process `pid` (close-on-exec), or an invalid Fd with errno set (ENOSYS on
// kernels before 5.3). Through the system call: glibc 2.36's <sys/pidfd.h> cannot be used from
// C++ (its declarations lack C linkage).
Fd pidfd_open(pid_t pid);
// Sends `signo` to the process `pidfd` names; false (errno set) when it cannot.
bool pidfd_send_signal(int pidfd, int signo);

// Owns a DIR* from opendir()/fdopendir(); closes it on destruction.
struct DirCloser {
  void operator()(DIR* dir) const { ::closedir(dir); }
};
using DirPtr = std::unique_ptr<DIR, DirCloser>;

} // namespace ginsttest::util
