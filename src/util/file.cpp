#include "util/file.hpp"

#include "util/strings.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace ginsttest::util {
namespace {

Unexpected not_regular(const std::filesystem::path& path, mode_t mode) {
  return io_error(fmt::format("{} is {}, not a regular file", path.string(), file_type_name(mode)));
}

// Opens `path` for writing with `flags` added, as the rule in the header says.
Expected<Fd> open_regular(const std::filesystem::path& path, int flags, mode_t mode) {
  Fd fd{::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | flags, mode)};
  struct stat st {};
  if (!fd) {
    const int err = errno;
    // ELOOP (a symlink not followed), ENXIO (a FIFO nobody reads), EISDIR or EEXIST say
    // badly what stands in the way: say what it is.
    if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
      return not_regular(path, st.st_mode);
    }
    return io_error(fmt::format("{}: {}", path.string(), errno_text(err)));
  }
  if (::fstat(fd.get(), &st) != 0) {
    return io_error(fmt::format("{}: {}", path.string(), errno_text(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return not_regular(path, st.st_mode);
  }
  // A regular file ignores O_NONBLOCK, but the flag belongs to the open file description,
  // which a child may share (a server's stdout): cleared, so nobody meets it.
  const int status_flags = ::fcntl(fd.get(), F_GETFL);
  if (status_flags < 0 || ::fcntl(fd.get(), F_SETFL, status_flags & ~O_NONBLOCK) != 0) {
    return io_error(fmt::format("{}: {}", path.string(), errno_text(errno)));
  }
  return fd;
}

} // namespace

Expected<FreshFile> create_fresh_file(const std::filesystem::path& path, mode_t mode) {
  FreshFile out;
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      return not_regular(path, st.st_mode);
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return io_error(fmt::format("cannot replace {} ({}): {}", path.string(),
                                  file_type_name(st.st_mode), errno_text(errno)));
    }
    if (!S_ISREG(st.st_mode)) {
      out.replaced = file_type_name(st.st_mode);
    }
  }
  auto fd = open_regular(path, O_CREAT | O_EXCL, mode);
  if (!fd) {
    return unexpected(fd.error());
  }
  out.fd = std::move(*fd);
  return out;
}

Expected<Fd> create_new_file(const std::filesystem::path& path, mode_t mode) {
  return open_regular(path, O_CREAT | O_EXCL, mode);
}

Expected<Fd> open_for_writing(const std::filesystem::path& path, mode_t mode) {
  // Truncated once known to be a regular file, not by O_TRUNC before.
  auto fd = open_regular(path, O_CREAT, mode);
  if (fd && ::ftruncate(fd->get(), 0) != 0) {
    return io_error(fmt::format("{}: {}", path.string(), errno_text(errno)));
  }
  return fd;
}

Expected<std::string> read_to_end(int fd, std::size_t max_bytes) {
  std::string contents;
  char buffer[65536];
  while (true) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      return unexpected(errno_text(errno));
    }
    if (n == 0) {
      return contents;
    }
    contents.append(buffer, static_cast<std::size_t>(n));
    if (contents.size() > max_bytes) {
      return unexpected(fmt::format("more than {} bytes", max_bytes));
    }
  }
}

mode_t access_bits(const struct stat& st, uid_t uid, gid_t gid) {
  if (st.st_uid == uid) {
    return (st.st_mode >> 6) & 7;
  }
  return st.st_gid == gid ? (st.st_mode >> 3) & 7 : st.st_mode & 7;
}

std::string_view file_type_name(mode_t mode) {
  switch (mode & S_IFMT) {
  case S_IFREG:
    return "a regular file";
  case S_IFDIR:
    return "a directory";
  case S_IFLNK:
    return "a symbolic link";
  case S_IFIFO:
    return "a FIFO";
  case S_IFSOCK:
    return "a socket";
  case S_IFCHR:
    return "a character device";
  case S_IFBLK:
    return "a block device";
  }
  return "a file of unknown type";
}

} // namespace ginsttest::util
