#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

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

TEST_CASE("a directory whose stamp is gone is left alone") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "unit");
  REQUIRE(dir);
  const auto path = dir->path();
  fs::remove(path / ".testtmp");
  auto status = dir->remove();
  CHECK_FALSE(status);
  CHECK(status.error().what.find(path.string()) != std::string::npos);
  CHECK(fs::exists(path));
  CHECK(util::remove_tree(path));
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("release keeps the directory") {
  fs::path kept;
  {
    auto dir = util::TempDir::create(fs::temp_directory_path(), "unit");
    REQUIRE(dir);
    kept = dir->release();
  }
  CHECK(fs::exists(kept));
  CHECK(util::remove_tree(kept));
}

TEST_CASE("creation in a missing directory is an error naming it") {
  auto dir = util::TempDir::create("/nonexistent/base", "unit");
  REQUIRE_FALSE(dir);
  CHECK(dir.error().what.find("/nonexistent/base") != std::string::npos);
}
