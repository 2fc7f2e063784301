// A test's directories (DESIGN.md section 3): its working directory, which is also its TMPDIR,
// fresh and holding nothing but the `.testtmp` stamp, all of it the test user's; and, with a
// private /tmp, the directory mounted on /tmp in the test's mount namespace, root's, which
// holds the working directory and the mount points of what the test still sees of the host's
// /tmp.
//
// A run's private /tmp directories are made in one parent directory of the run's (see
// make_private_tmp_parent), outside the host's /tmp where it can be, and the test is given its
// working directory by that path when it can reach it there: the path names the same
// directory in the host's mount namespace, so that services the session bus starts for the
// test (outside its namespace) can use the files it names under its TMPDIR.
#pragma once

#include "util/expected.hpp"
#include "util/temp_dir.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ginsttest::runner {

struct TestDirOptions {
  // Where the directory is made: with a private /tmp, the run's parent of them.
  std::filesystem::path base;
  std::string prefix; // its name before "-XXXXXX", without a private /tmp
  // The user the test runs as: the working directory and its stamp are theirs.
  std::optional<util::Owner> owner;
  bool private_tmp = false;
  // With a private /tmp: the entries of the host's /tmp the test keeps (see shared_tmp.hpp).
  // Those that exist get a mount point (or, for a symlink, a copy of it).
  std::vector<std::string> shared_tmp_entries;
  // With a private /tmp: the test is given its working directory by its path in `base` (see
  // PrivateTmpParent), else by its path in its /tmp.
  bool host_path = false;
};

// Where the parent of a run's private /tmp directories may go, in order, given where test
// directories go otherwise: there unless that is in the host's /tmp (hidden from tests by
// their private one), /var/tmp, and then /tmp.
std::vector<std::filesystem::path> private_tmp_bases(const std::filesystem::path& temp_base);

// The parent of a run's private /tmp directories: root's, mode 0711 (tests pass through it to
// their own /tmp, but cannot list it to find another's), stamped and named after the runner's
// pid, so that a later run removes it if this one is killed outright.
struct PrivateTmpParent {
  util::TempDir dir;
  // Whether the tests' working directories can be given to them by their paths in `dir`: it
  // lies outside the host's /tmp, and `owner` (the test user, if any) may pass through every
  // directory above it.
  bool host_paths = false;
};

// Makes the parent in the first of `bases` where it can.
util::Expected<PrivateTmpParent>
make_private_tmp_parent(const std::vector<std::filesystem::path>& bases,
                        const std::optional<util::Owner>& owner);

class TestDir {
public:
  static util::Expected<TestDir> create(const TestDirOptions& options);

  // The directory made in the base directory (the private /tmp, or the working directory):
  // its name is unique there.
  const std::filesystem::path& made_in_base() const { return m_top.path(); }
  // The working directory (and TMPDIR), as the test sees it.
  const std::filesystem::path& work_dir() const { return m_work_dir; }
  // With a private /tmp: the directory to mount on /tmp, and the entries of the host's /tmp to
  // bind in it. Empty without.
  std::filesystem::path private_tmp() const;
  const std::vector<std::string>& bound_entries() const { return m_bound; }

  // Removes everything, wherever the test moved its working directory. Returns notes on what
  // was left behind and why. The descriptors of the removed directories go to
  // `last_references`, when given, to be closed later (see util::TempDir::remove).
  std::vector<std::string> remove(std::vector<util::Fd>* last_references = nullptr);

  // Keeps a failed test's directories: its working directory, from wherever the test moved it,
  // becomes `target` (which must not exist), and what else it left in its private /tmp goes to
  // `target`/private-tmp. When the working directory cannot be moved there (the test removed
  // it, or it lies on another file system), `target` is made empty; everything else is
  // removed. Returns notes on what could not be kept, or was left alone.
  std::vector<std::string> keep_as(const std::filesystem::path& target);

private:
  TestDir() = default;
  // Takes out what was made for the shared entries, once the test has ended: what is kept or
  // removed afterwards is the test's own. In the runner's namespace they are plain entries;
  // unlinking one detaches what the test's namespace, while its monitor exits, still has
  // mounted on it.
  void remove_mount_points();

  util::TempDir m_top;                 // the private /tmp, or the working directory
  std::optional<util::TempDir> m_work; // the working directory in a private /tmp
  std::filesystem::path m_work_dir;
  std::vector<std::string> m_bound; // mount points made for the shared entries
  std::vector<std::string> m_made;  // every entry made for them: m_bound and symlinks
};

} // namespace ginsttest::runner
