#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

using namespace ginsttest;
namespace fs = std::filesystem;

TEST_CASE("a temp dir is private, stamped and removed with its contents") {
  fs::path path;
  {
    auto dir = util::TempDir::create(fs::temp_directory_path(), "unit");
    REQUIRE(dir);
    path = dir->path();
    CHECK(path.filename().string().starts_with("unit-"));
    CHECK(fs::is_regular_file(path / ".testtmp"));
    CHECK((fs::status(path).permissions() & fs::perms::all) == fs::perms::owner_all);
    fs::create_directories(path / "a/b/c");
    std::ofstream{path / "a/b/c/file"} << "x";
    // Directories a test made unreadable and unwritable are still removed.
    fs::permissions(path / "a/b", fs::perms::none);
  }
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("removal never follows a symlink out of the directory") {
  auto outside = util::TempDir::create(fs::temp_directory_path(), "outside");
  REQUIRE(outside);
  std::ofstream{outside->path() / "precious"} << "keep me";
  fs::path path;
  {
    auto dir = util::TempDir::create(fs::temp_directory_path(), "unit");
    REQUIRE(dir);
    path = dir->path();
    fs::create_directory_symlink(outside->path(), path / "link");
    fs::create_symlink(outside->path() / "precious", path / "file-link");
  }
  CHECK_FALSE(fs::exists(path));
  CHECK(fs::exists(outside->path() / "precious"));
}

TEST_CASE("the stamp is not what proves a directory ours: one without it is removed") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "unit");
  REQUIRE(dir);
  const auto path = dir->path();
  fs::remove(path / ".testtmp");
  CHECK(dir->remove());
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a directory the test renamed is removed where it is now") {
  // Also under a name that ends as /proc names a deleted directory.
  for (const char* suffix : {"-moved", " (deleted)"}) {
    auto dir = util::TempDir::create(fs::temp_directory_path(), "unit");
    REQUIRE(dir);
    const auto moved = fs::path{dir->path().string() + suffix};
    fs::rename(dir->path(), moved);
    std::ofstream{moved / "file"} << "x";
    CHECK(dir->remove());
    CHECK_FALSE(fs::exists(moved));
  }
}

TEST_CASE("a directory put in the place of ours is left alone, and said") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "unit");
  REQUIRE(dir);
  const auto path = dir->path();
  const auto moved = fs::path{path.string() + "-moved"};
  fs::rename(path, moved);
  fs::create_directory(path);
  std::ofstream{path / "theirs"} << "x";
  CHECK(dir->remove());
  CHECK_FALSE(fs::exists(moved));
  CHECK(fs::exists(path / "theirs"));
  const auto note = util::left_in_place_of(path);
  REQUIRE(note);
  CHECK(note->find(path.string() + ": left alone") != std::string::npos);
  CHECK(util::remove_tree(path));
  CHECK_FALSE(util::left_in_place_of(path));

  // Removed by the test and made again: ours is gone, theirs stays.
  auto again = util::TempDir::create(fs::temp_directory_path(), "unit");
  REQUIRE(again);
  const auto again_path = again->path();
  CHECK(util::remove_tree(again_path));
  fs::create_directory(again_path);
  CHECK(again->remove());
  CHECK(fs::exists(again_path));
  CHECK(util::remove_tree(again_path));
}

TEST_CASE("moving never replaces what is there") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "unit");
  REQUIRE(dir);
  auto other = util::TempDir::create(fs::temp_directory_path(), "unit");
  REQUIRE(other);
  std::ofstream{other->path() / "keep"} << "x";
  CHECK_FALSE(dir->move_to(other->path()));
  CHECK(fs::exists(other->path() / "keep"));
  CHECK(fs::exists(dir->path()));
  const auto target = fs::path{dir->path().string() + "-kept"};
  CHECK(dir->move_to(target));
  CHECK(fs::is_directory(target));
  CHECK(util::remove_tree(target));
}

TEST_CASE("a directory the test removed itself is no error") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "unit");
  REQUIRE(dir);
  CHECK(util::remove_tree(dir->path()));
  CHECK(dir->remove());
}

TEST_CASE("without a stamp, and given to an owner") {
  auto bare = util::TempDir::create(fs::temp_directory_path(), "unit", util::Stamp::no);
  REQUIRE(bare);
  CHECK(fs::is_empty(bare->path()));
  if (::geteuid() != 0) {
    return; // giving files away needs root
  }
  auto given = util::TempDir::create(fs::temp_directory_path(), "unit", util::Stamp::yes,
                                     util::Owner{65534, 65534});
  REQUIRE(given);
  struct stat dir_st {};
  struct stat stamp_st {};
  REQUIRE(::stat(given->path().c_str(), &dir_st) == 0);
  REQUIRE(::stat((given->path() / ".testtmp").c_str(), &stamp_st) == 0);
  CHECK(dir_st.st_uid == 65534);
  CHECK(dir_st.st_gid == 65534);
  CHECK(stamp_st.st_uid == 65534);
  CHECK(stamp_st.st_gid == 65534);
}

TEST_CASE("release keeps the directory") {
  fs::path kept;
  {
    auto dir = util::TempDir::create(fs::temp_directory_path(), "unit");
    REQUIRE(dir);
    kept = dir->release();
    CHECK(dir->fd() < 0);
  }
  CHECK(fs::exists(kept));
  CHECK(util::remove_tree(kept));
}

TEST_CASE("creation in a missing directory is an error naming it") {
  auto dir = util::TempDir::create("/nonexistent/base", "unit");
  REQUIRE_FALSE(dir);
  CHECK(dir.error().what.find("/nonexistent/base") != std::string::npos);
}

TEST_CASE("a stale directory is one whose pid is gone and which no live run holds") {
  auto base = util::TempDir::create(fs::temp_directory_path(), "stale-base", util::Stamp::no);
  REQUIRE(base);
  // A pid that is surely gone: a child that has been reaped.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::_exit(0);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  const auto prefix = fmt::format("unit-run-{}", child);

  // As a run in another PID namespace would see it: its pid is not ours to find, but it lives.
  auto live = util::TempDir::create(base->path(), prefix);
  REQUIRE(live);
  REQUIRE(live->lock_as_live());
  auto dead = util::TempDir::create(base->path(), prefix);
  REQUIRE(dead);
  const auto dead_path = dead->release();

  util::remove_stale_dirs(base->path(), "unit-run-");
  CHECK(fs::exists(live->path() / ".testtmp"));
  CHECK_FALSE(fs::exists(dead_path));
  // The lock was all that kept it: once its run lets go, it is stale too.
  const auto live_path = live->release();
  util::remove_stale_dirs(base->path(), "unit-run-");
  CHECK_FALSE(fs::exists(live_path));
}
