#include "discovery/test_file.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace ginsttest;

namespace {

core::TestSpec parse(std::string_view text) {
  return discovery::parse_test_file({"grp/a.test", "/root/grp/a.test", "/root"}, text);
}

} // namespace

TEST_CASE("a complete .test file") {
  const auto spec = parse("[Test]\n"
                          "Description=does things\n"
                          "Exec=sh -c 'echo \"a b\"; exit 3' extra\n"
                          "Type=session-exclusive\n"
                          "Output=TAP\n"
                          "TestEnvironment=A=1;B=x=y;\n"
                          "X-Unknown=ignored\n");
  REQUIRE_FALSE(spec.load_error);
  CHECK(spec.name == "grp/a.test");
  CHECK(spec.argv == std::vector<std::string>{"sh", "-c", "echo \"a b\"; exit 3", "extra"});
  CHECK(spec.exclusive());
  CHECK(spec.output_tap);
  CHECK(spec.description == "does things");
  REQUIRE(spec.environment.size() == 2);
  CHECK(spec.environment[0] == std::pair<std::string, std::string>{"A", "1"});
  // Only the first '=' separates name and value.
  CHECK(spec.environment[1] == std::pair<std::string, std::string>{"B", "x=y"});
}

TEST_CASE("optional keys have defaults") {
  const auto spec = parse("[Test]\nExec=/bin/true\nType=session\n");
  REQUIRE_FALSE(spec.load_error);
  CHECK_FALSE(spec.exclusive());
  CHECK_FALSE(spec.output_tap);
  CHECK(spec.environment.empty());
}

TEST_CASE("malformed files get a reason naming the file") {
  struct Case {
    const char* text;
    const char* reason;
  };
  const Case cases[] = {
      {"this is not a keyfile\n", "not a valid keyfile"},
      {"[Other]\nExec=/bin/true\nType=session\n", "no [Test] group"},
      {"[Test]\nType=session\n", "no Exec key"},
      {"[Test]\nExec=\nType=session\n", "Exec is empty"},
      {"[Test]\nExec=   \nType=session\n", "Exec is empty"},
      {"[Test]\nExec=sh -c 'oops\nType=session\n", "cannot parse Exec"},
      {"[Test]\nExec=/bin/true\n", "no Type key"},
      {"[Test]\nExec=/bin/true\nType=bogus\n", "unknown Type 'bogus'"},
      {"[Test]\nExec=/bin/true\nType=session\nTestEnvironment=NOEQUALS;\n",
       "TestEnvironment entry 'NOEQUALS' is not NAME=VALUE"},
      // A value that is there but not UTF-8 is not a missing key.
      {"[Test]\nExec=/usr/libexec/t/caf\xe9\nType=session\n",
       "the value of Exec is not valid UTF-8"},
      {"[Test]\nExec=/bin/true\nType=sess\xffion\n", "the value of Type is not valid UTF-8"},
      {"[Test]\nExec=/bin/true\nType=session\nTestEnvironment=A=\xff;\n",
       "the value of TestEnvironment is not valid UTF-8"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    const auto spec = parse(c.text);
    REQUIRE(spec.load_error);
    CHECK(spec.load_error->starts_with("/root/grp/a.test: "));
    CHECK(spec.load_error->find(c.reason) != std::string::npos);
    CHECK(spec.argv.empty());
  }
}

TEST_CASE("an unreadable file is an error naming it") {
  const auto spec = discovery::load_test_file({"x.test", "/nonexistent/x.test", "/nonexistent"});
  REQUIRE(spec.load_error);
  CHECK(spec.load_error->find("/nonexistent/x.test") != std::string::npos);
}

TEST_CASE("only regular files of at most 1 MiB are read, through symlinks too") {
  char templ[] = "/tmp/ginsttest-unit-XXXXXX";
  REQUIRE(::mkdtemp(templ) != nullptr);
  const std::filesystem::path dir = templ;
  const auto load = [&](const char* name) {
    return discovery::load_test_file({name, dir / name, dir});
  };
  const std::string text = "[Test]\nExec=/bin/true\nType=session\n";

  // A FIFO nobody writes to: refused at once rather than waited on.
  REQUIRE(::mkfifo((dir / "fifo.test").c_str(), 0644) == 0);
  auto spec = load("fifo.test");
  REQUIRE(spec.load_error);
  CHECK(*spec.load_error == (dir / "fifo.test").string() + ": a FIFO, not a .test file");

  // A huge (sparse) file: refused by its size, unread.
  { std::ofstream{dir / "huge.test"} << text; }
  REQUIRE(::truncate((dir / "huge.test").c_str(), 1L << 30) == 0);
  spec = load("huge.test");
  REQUIRE(spec.load_error);
  CHECK(*spec.load_error == (dir / "huge.test").string() +
                                ": 1073741824 bytes, too big for a .test file (at most 1048576)");

  // 1 MiB exactly is still read; a symlink is followed.
  { std::ofstream{dir / "big.test"} << text << std::string(1024 * 1024 - text.size(), '#'); }
  std::filesystem::create_symlink(dir / "big.test", dir / "link.test");
  spec = load("link.test");
  CHECK_FALSE(spec.load_error);
  CHECK(spec.argv == std::vector<std::string>{"/bin/true"});
  std::filesystem::remove_all(dir);
}
