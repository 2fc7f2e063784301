#include "runner/test_dir.hpp"

#include "util/fd.hpp"
#include "util/file.hpp"
#include "util/strings.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace ginsttest::runner {
namespace {

// A test's private /tmp (in the run's parent directory of them) and its working directory in
// it are named short: tests make sockets there, whose paths may not be longer than 107 bytes.
constexpr std::string_view private_tmp_prefix = "";
constexpr std::string_view private_work_prefix = "test";

// A private /tmp is world-writable with the sticky bit, as /tmp is.
constexpr mode_t tmp_mode = 01777;

// Where a kept private /tmp and /var/tmp go, in the kept working directory.
constexpr std::string_view kept_tmp_name = "private-tmp";
constexpr std::string_view kept_var_tmp_name = "private-var-tmp";

// Makes a place in the directory open as `dir_fd` for `entry` of the host's `place` (/tmp,
// /var/tmp), of the same
// kind: a directory, a copy of a symlink, or an empty file to bind anything else onto. Returns
// whether it is to be bound, or an error; unset when the host has no such entry.
util::Expected<std::optional<bool>> make_place_for(int dir_fd, const std::filesystem::path& place,
                                                   const std::string& entry) {
  struct stat st {};
  const auto host = (place / entry).string();
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

// The directory holding a run's private /tmp directories: root's, and others may pass through
// it to their own but not list it, so that a test cannot find another's /tmp.
constexpr std::string_view private_tmp_parent_prefix = "ginsttest-tmp-";
constexpr mode_t parent_mode = 0711;

// Whether `user` may pass through `dir` and every directory above it (by their mode bits;
// ACLs are not read).
bool passable_by(const std::filesystem::path& dir, const util::Owner& user) {
  for (auto path = dir.lexically_normal(); !path.empty(); path = path.parent_path()) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return false;
    }
    if ((util::access_bits(st, user.uid, user.gid) & 1) == 0) {
      return false;
    }
    if (path == path.root_path()) {
      break;
    }
  }
  return true;
}

// Whether `path` is the host's /tmp or in it (once symlinks are resolved).
bool in_host_tmp(const std::filesystem::path& path) {
  std::error_code ec;
  auto real = std::filesystem::weakly_canonical(path, ec);
  const auto text = (ec ? path : real).lexically_normal().string();
  return text == "/tmp" || text == "/tmp/" || text.starts_with("/tmp/");
}

} // namespace

std::vector<std::filesystem::path> private_tmp_bases(const std::filesystem::path& temp_base) {
  std::vector<std::filesystem::path> bases;
  if (!in_host_tmp(temp_base)) {
    bases.push_back(temp_base);
  }
  bases.emplace_back("/var/tmp");
  bases.emplace_back("/tmp");
  return bases;
}

util::Expected<PrivateTmpParent>
make_private_tmp_parent(const std::vector<std::filesystem::path>& bases,
                        const std::optional<util::Owner>& owner) {
  std::string errors;
  for (const auto& base : bases) {
    std::error_code ec;
    const auto absolute = std::filesystem::absolute(base, ec);
    if (ec) {
      continue;
    }
    util::remove_stale_dirs(absolute, private_tmp_parent_prefix);
    auto dir = util::TempDir::create(
        absolute, fmt::format("{}{}", private_tmp_parent_prefix, ::getpid()), util::Stamp::yes);
    if (dir && dir->lock_as_live() && ::fchmod(dir->fd(), parent_mode) == 0) {
      const bool host_paths =
          !in_host_tmp(dir->path()) && (!owner || passable_by(dir->path(), *owner));
      return PrivateTmpParent{std::move(*dir), host_paths};
    }
    errors += fmt::format("{}{}", errors.empty() ? "" : "; ",
                          dir ? fmt::format("{}: {}", dir->path().string(), util::errno_text(errno))
                              : dir.error().what);
  }
  return util::unexpected(fmt::format("no place for the tests' private /tmp: {}", errors));
}

util::Expected<PrivatePlace> PrivatePlace::create(const std::filesystem::path& base,
                                                  const std::filesystem::path& host,
                                                  const std::vector<std::string>& entries) {
  // Root's (the test cannot remove what is mounted in it), and closed to everyone else until
  // it holds all it should.
  auto dir = util::TempDir::create(base, private_tmp_prefix, util::Stamp::no);
  if (!dir) {
    return util::unexpected(dir.error());
  }
  PrivatePlace place{std::move(*dir), {}, {}};
  for (const auto& entry : entries) {
    auto made = make_place_for(place.dir.fd(), host, entry);
    if (!made) {
      return util::unexpected(fmt::format("{}: {}", place.dir.path().string(), made.error().what));
    }
    if (*made) {
      place.made.push_back(entry);
      if (**made) {
        place.bound.push_back(entry);
      }
    }
  }
  return place;
}

util::Status PrivatePlace::open_up() {
  if (::fchmod(dir.fd(), tmp_mode) != 0) {
    return util::unexpected(fmt::format("cannot open {} up as a /tmp: {}", dir.path().string(),
                                        util::errno_text(errno)));
  }
  return util::Ok{};
}

void PrivatePlace::remove_mount_points() {
  const int top_fd = dir.fd();
  for (const auto& entry : made) {
    struct stat st {};
    // Ours are root's, in a sticky directory: a test run as another user cannot have replaced
    // them. In this namespace they are plain (empty) entries.
    if (top_fd >= 0 && ::fstatat(top_fd, entry.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        st.st_uid == ::geteuid()) {
      ::unlinkat(top_fd, entry.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0);
    }
  }
  made.clear();
  bound.clear();
}

void PrivatePlace::keep_as(const std::filesystem::path& target, std::string_view host,
                           std::vector<std::string>& notes) {
  // What the test left there, if anything, as a directory to read (no longer sticky).
  std::error_code ec;
  if (std::filesystem::is_empty(dir.path(), ec) || ec) {
    (void)dir.remove();
    return;
  }
  auto kept = ::fchmod(dir.fd(), 0755) == 0
                  ? dir.move_to(target)
                  : util::Status{util::unexpected(util::errno_text(errno))};
  if (!kept) {
    notes.push_back(
        fmt::format("what else it left in its {} is not kept: {}", host, kept.error().what));
    (void)dir.remove();
  }
}

util::Expected<TestDir> TestDir::create(const TestDirOptions& options) {
  TestDir dir;
  if (!options.private_tmp) {
    auto work =
        util::TempDir::create(options.base, options.prefix, util::Stamp::yes, options.owner);
    if (!work) {
      return util::unexpected(work.error());
    }
    dir.m_work = std::move(*work);
    dir.m_work_dir = dir.m_work.path();
    return dir;
  }

  auto tmp = PrivatePlace::create(options.base, "/tmp", options.shared_tmp_entries);
  if (!tmp) {
    return util::unexpected(tmp.error());
  }
  dir.m_tmp = std::move(*tmp);
  if (options.var_tmp_base) {
    auto var_tmp =
        PrivatePlace::create(*options.var_tmp_base, "/var/tmp", options.shared_var_tmp_entries);
    if (!var_tmp) {
      return util::unexpected(var_tmp.error());
    }
    dir.m_var_tmp = std::move(*var_tmp);
  }
  auto work = util::TempDir::create(dir.m_tmp->dir.path(), private_work_prefix, util::Stamp::yes,
                                    options.owner);
  if (!work) {
    return util::unexpected(work.error());
  }
  dir.m_work_dir =
      options.host_path ? work->path() : std::filesystem::path{"/tmp"} / work->path().filename();
  dir.m_work = std::move(*work);
  for (auto* place : {&dir.m_tmp, &dir.m_var_tmp}) {
    if (auto opened = *place ? (*place)->open_up() : util::Status{util::Ok{}}; !opened) {
      return util::unexpected(opened.error());
    }
  }
  return dir;
}

const std::filesystem::path& TestDir::made_in_base() const {
  return m_tmp ? m_tmp->dir.path() : m_work.path();
}

std::filesystem::path TestDir::private_tmp() const {
  return m_tmp ? m_tmp->dir.path() : std::filesystem::path{};
}

std::filesystem::path TestDir::private_var_tmp() const {
  return m_var_tmp ? m_var_tmp->dir.path() : std::filesystem::path{};
}

void TestDir::remove_mount_points() {
  for (auto* place : {&m_tmp, &m_var_tmp}) {
    if (*place) {
      (*place)->remove_mount_points();
    }
  }
}

std::vector<std::string> TestDir::remove(std::vector<util::Fd>* last_references) {
  remove_mount_points();
  std::vector<std::string> notes;
  auto remove = [&](util::TempDir& dir) {
    util::Fd last;
    if (auto removed = dir.remove(last_references ? &last : nullptr, &notes); !removed) {
      notes.push_back(fmt::format("temporary directory left behind: {}", removed.error().what));
    }
    if (last) {
      last_references->push_back(std::move(last));
    }
  };
  const auto made_as = m_work.path();
  // The working directory first: the test may have moved it out of its /tmp.
  remove(m_work);
  for (auto* place : {&m_tmp, &m_var_tmp}) {
    if (*place) {
      remove((*place)->dir);
    }
  }
  // What a test put in the place of its working directory is gone with its private /tmp.
  if (auto note = m_tmp ? std::nullopt : util::left_in_place_of(made_as)) {
    notes.push_back(std::move(*note));
  }
  return notes;
}

std::vector<std::string> TestDir::keep_as(const std::filesystem::path& target) {
  remove_mount_points();
  std::vector<std::string> notes;
  const auto made_as = m_work.path();
  if (auto moved = m_work.move_to(target); !moved) {
    notes.push_back(fmt::format("only the output is kept: {}", moved.error().what));
    std::error_code ec;
    std::filesystem::create_directory(target, ec);
    (void)m_work.remove();
  }
  if (!m_tmp) {
    if (auto note = util::left_in_place_of(made_as)) {
      notes.push_back(std::move(*note));
    }
    return notes;
  }
  m_tmp->keep_as(target / kept_tmp_name, "/tmp", notes);
  if (m_var_tmp) {
    m_var_tmp->keep_as(target / kept_var_tmp_name, "/var/tmp", notes);
  }
  return notes;
}

} // namespace ginsttest::runner
