#include "runner/test_dir.hpp"

#include "util/fd.hpp"
#include "util/strings.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace ginsttest::runner {
namespace {

// The name of the working directory in a private /tmp: short, since tests make sockets in it.
constexpr std::string_view private_work_prefix = "test-tmp";

// A private /tmp is world-writable with the sticky bit, as /tmp is.
constexpr mode_t tmp_mode = 01777;

// Where a kept private /tmp goes, in the kept working directory.
constexpr std::string_view kept_tmp_name = "private-tmp";

// Makes a place in the directory open as `dir_fd` for `entry` of the host's /tmp, of the same
// kind: a directory, a copy of a symlink, or an empty file to bind anything else onto. Returns
// whether it is to be bound, or an error; unset when the host has no such entry.
util::Expected<std::optional<bool>> make_place_for(int dir_fd, const std::string& entry) {
  struct stat st {};
  const auto host = "/tmp/" + entry;
  if (::lstat(host.c_str(), &st) != 0) {
    return std::optional<bool>{};
  }
  int made = 0;
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(host, ec);
    made = ec ? -1 : ::symlinkat(target.c_str(), dir_fd, entry.c_str());
  } else if (S_ISDIR(st.st_mode)) {
    made = ::mkdirat(dir_fd, entry.c_str(), 0755);
  } else {
    made = ::mknodat(dir_fd, entry.c_str(), S_IFREG | 0644, 0);
  }
  if (made != 0) {
    return util::unexpected(
        fmt::format("cannot make a place for {}: {}", host, util::errno_text(errno)));
  }
  return std::optional<bool>{!S_ISLNK(st.st_mode)};
}

// Whether `path` is the host's /tmp or in it (once symlinks are resolved).
bool in_host_tmp(const std::filesystem::path& path) {
  std::error_code ec;
  auto real = std::filesystem::weakly_canonical(path, ec);
  const auto text = (ec ? path : real).lexically_normal().string();
  return text == "/tmp" || text == "/tmp/" || text.starts_with("/tmp/");
}

} // namespace

std::filesystem::path private_tmp_base(const std::filesystem::path& temp_base) {
  return in_host_tmp(temp_base) ? std::filesystem::path{"/var/tmp"} : temp_base;
}

util::Expected<TestDir> TestDir::create(const TestDirOptions& options) {
  TestDir dir;
  if (!options.private_tmp) {
    auto work =
        util::TempDir::create(options.base, options.prefix, util::Stamp::yes, options.owner);
    if (!work) {
      return util::unexpected(work.error().what);
    }
    dir.m_top = std::move(*work);
    dir.m_work_dir = dir.m_top.path();
    return dir;
  }

  // The private /tmp is root's (the test cannot remove what is mounted in it), and stays
  // closed to everyone else until it holds all it should.
  auto top = util::TempDir::create(options.base, options.prefix, util::Stamp::no);
  if (!top) {
    return util::unexpected(top.error().what);
  }
  dir.m_top = std::move(*top);
  for (const auto& entry : options.shared_tmp_entries) {
    auto made = make_place_for(dir.m_top.fd(), entry);
    if (!made) {
      return util::unexpected(fmt::format("{}: {}", dir.m_top.path().string(), made.error().what));
    }
    if (*made) {
      dir.m_made.push_back(entry);
      if (**made) {
        dir.m_bound.push_back(entry);
      }
    }
  }
  auto work =
      util::TempDir::create(dir.m_top.path(), private_work_prefix, util::Stamp::yes, options.owner);
  if (!work) {
    return util::unexpected(work.error().what);
  }
  // By its path in the host's namespace where that is visible in the test's too.
  dir.m_work_dir = in_host_tmp(work->path())
                       ? std::filesystem::path{"/tmp"} / work->path().filename()
                       : work->path();
  dir.m_work = std::move(*work);
  if (::fchmod(dir.m_top.fd(), tmp_mode) != 0) {
    return util::unexpected(fmt::format("cannot open {} up as a /tmp: {}",
                                        dir.m_top.path().string(), util::errno_text(errno)));
  }
  return dir;
}

std::filesystem::path TestDir::private_tmp() const {
  return m_work ? m_top.path() : std::filesystem::path{};
}

void TestDir::remove_mount_points() {
  const int top_fd = m_top.fd();
  for (const auto& entry : m_made) {
    struct stat st {};
    // Ours are root's, in a sticky directory: a test run as another user cannot have replaced
    // them. In this namespace they are plain (empty) entries.
    if (top_fd >= 0 && ::fstatat(top_fd, entry.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        st.st_uid == ::geteuid()) {
      ::unlinkat(top_fd, entry.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
    }
  }
  m_made.clear();
  m_bound.clear();
}

util::Status TestDir::remove() {
  remove_mount_points();
  // The working directory first: the test may have moved it out of its /tmp.
  auto work = m_work ? m_work->remove() : util::Status{util::Ok{}};
  auto top = m_top.remove();
  return work ? top : work;
}

std::vector<std::string> TestDir::keep_as(const std::filesystem::path& target) {
  remove_mount_points();
  std::vector<std::string> notes;
  std::string note;
  util::TempDir& work = m_work ? *m_work : m_top;
  if (auto moved = work.move_to(target, note); !moved) {
    notes.push_back(fmt::format("only the output is kept: {}", moved.error().what));
    std::error_code ec;
    std::filesystem::create_directory(target, ec);
    (void)work.remove();
  }
  if (!note.empty()) {
    notes.push_back(std::move(note));
  }
  if (m_work) {
    // What else the test left in its /tmp, if anything, as a directory to read (not a /tmp).
    std::error_code ec;
    const bool anything = !std::filesystem::is_empty(m_top.path(), ec) && !ec;
    if (!anything || ::fchmod(m_top.fd(), 0755) != 0 ||
        !m_top.move_to(target / kept_tmp_name, note)) {
      (void)m_top.remove();
    }
  }
  return notes;
}

} // namespace ginsttest::runner
