#include "util/file.hpp"

#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

using namespace ginsttest;
namespace fs = std::filesystem;

namespace {

std::string contents(const fs::path& path) {
  std::ifstream in{path};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

} // namespace

TEST_CASE("a fresh file replaces a FIFO without blocking on it, and says so") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "file");
  REQUIRE(dir);
  const auto path = dir->path() / "log.txt";
  REQUIRE(::mkfifo(path.c_str(), 0666) == 0);
  auto file = util::create_fresh_file(path, 0644);
  REQUIRE(file);
  CHECK(file->replaced == "a FIFO");
  CHECK(fs::is_regular_file(fs::symlink_status(path)));
  // Blocking again: writes to it wait as usual.
  CHECK((::fcntl(file->fd.get(), F_GETFL) & O_NONBLOCK) == 0);
}

TEST_CASE("a fresh file never writes through a symlink or a hard link") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "file");
  REQUIRE(dir);
  const auto precious = dir->path() / "precious";
  std::ofstream{precious} << "keep me";
  fs::create_symlink(precious, dir->path() / "link.txt");
  fs::create_hard_link(precious, dir->path() / "hard.txt");

  auto through_link = util::create_fresh_file(dir->path() / "link.txt", 0644);
  REQUIRE(through_link);
  CHECK(through_link->replaced == "a symbolic link");
  auto through_hard_link = util::create_fresh_file(dir->path() / "hard.txt", 0644);
  REQUIRE(through_hard_link);
  // An earlier run's log is a regular file: replaced without a word.
  CHECK(through_hard_link->replaced.empty());
  CHECK(contents(precious) == "keep me");
}

TEST_CASE("a fresh file does not replace a directory") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "file");
  REQUIRE(dir);
  fs::create_directory(dir->path() / "log.txt");
  auto file = util::create_fresh_file(dir->path() / "log.txt", 0644);
  REQUIRE_FALSE(file);
  CHECK(file.error().what ==
        (dir->path() / "log.txt").string() + " is a directory, not a regular file");
}

TEST_CASE("a new file is never one that was there") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "file");
  REQUIRE(dir);
  const auto path = dir->path() / "server.log";
  REQUIRE(::mkfifo(path.c_str(), 0666) == 0);
  auto fifo = util::create_new_file(path, 0600);
  REQUIRE_FALSE(fifo);
  CHECK(fifo.error().what == path.string() + " is a FIFO, not a regular file");
  fs::remove(path);
  std::ofstream{path} << "old";
  auto regular = util::create_new_file(path, 0600);
  REQUIRE_FALSE(regular);
  CHECK(contains(regular.error().what, "File exists"));
}

TEST_CASE("a file the user names is truncated in place, if it is a regular file") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "file");
  REQUIRE(dir);
  const auto path = dir->path() / "report.json";
  std::ofstream{path} << "old report";
  {
    auto fd = util::open_for_writing(path, 0644);
    REQUIRE(fd);
    CHECK(contents(path).empty());
  }
  // Missing: created.
  CHECK(util::open_for_writing(dir->path() / "new.json", 0644));
  CHECK(fs::is_regular_file(dir->path() / "new.json"));

  // A FIFO (nobody reading it): refused at once, naming it, rather than blocking.
  const auto fifo = dir->path() / "fifo.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0666) == 0);
  auto opened_fifo = util::open_for_writing(fifo, 0644);
  REQUIRE_FALSE(opened_fifo);
  CHECK(opened_fifo.error().what == fifo.string() + " is a FIFO, not a regular file");
  // With a reader, the open succeeds and fstat tells.
  util::Fd reader{::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  REQUIRE(reader);
  auto read_fifo = util::open_for_writing(fifo, 0644);
  REQUIRE_FALSE(read_fifo);
  CHECK(read_fifo.error().what == fifo.string() + " is a FIFO, not a regular file");

  // A symlink is not followed.
  fs::create_symlink(path, dir->path() / "link.json");
  auto link = util::open_for_writing(dir->path() / "link.json", 0644);
  REQUIRE_FALSE(link);
  CHECK(link.error().what ==
        (dir->path() / "link.json").string() + " is a symbolic link, not a regular file");
}
