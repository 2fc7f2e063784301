#include "runner/output_capture.hpp"
#include "runner/test_output.hpp"
#include "util/environment.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace ginsttest;

TEST_CASE("the tail keeps the last lines") {
  runner::OutputCapture capture{1024};
  capture.append("one\ntwo\nthree\n");
  CHECK(capture.tail(2) == "two\nthree\n");
  CHECK(capture.tail(10) == "one\ntwo\nthree\n");
  CHECK(capture.tail(0).empty());
  capture.append("partial");
  CHECK(capture.tail(2) == "three\npartial");
  CHECK(capture.total_bytes() == 21);
}

TEST_CASE("memory stays bounded whatever the amount of output") {
  runner::OutputCapture capture{100};
  std::string line(30, 'x');
  line += '\n';
  for (int i = 0; i < 100000; i++) {
    capture.append(line);
  }
  CHECK(capture.total_bytes() == 3100000);
  const auto tail = capture.tail(1000);
  CHECK(tail.size() <= 200);
  CHECK(tail.size() >= 31);
  // Only whole lines: the cut first line is dropped.
  CHECK(tail.front() == 'x');
  CHECK(tail.size() % 31 == 0);
  // One chunk larger than the whole tail.
  capture.append(std::string(1000, 'y') + "\nend\n");
  CHECK(capture.tail(1) == "end\n");
}

TEST_CASE("one line longer than the tail keeps its end, with or without a line feed") {
  for (const char* end : {"", "\n"}) {
    CAPTURE(end);
    runner::OutputCapture capture{100};
    for (int i = 0; i < 1000; i++) {
      capture.append(std::string(1000, 'x'));
    }
    capture.append(std::string("the end") + end);
    CHECK(capture.total_bytes() == 1000007 + std::strlen(end));
    const auto tail = capture.tail(20);
    CHECK(tail.ends_with(std::string("xxthe end") + end));
    CHECK(tail.size() <= 200);
  }
}

TEST_CASE("log files get everything") {
  auto dir = util::TempDir::create(std::filesystem::temp_directory_path(), "capture");
  REQUIRE(dir);
  const auto file = dir->path() / "log.txt";
  {
    runner::OutputCapture capture{4};
    REQUIRE(capture.add_file(file));
    capture.append("hello ");
    capture.append("world\n");
  }
  std::ifstream in{file};
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "hello world\n");
}

TEST_CASE("a log file that cannot be created is an error naming it") {
  runner::OutputCapture capture{4};
  auto status = capture.add_file("/nonexistent/dir/log.txt");
  REQUIRE_FALSE(status);
  CHECK(status.error().what.find("/nonexistent/dir/log.txt") != std::string::npos);
}

TEST_CASE("TestEnvironment is added to the inherited environment") {
  const util::EnvList base{"PATH=/usr/bin", "HOME=/root", "FOO=old"};
  const auto env = util::merge_environment(base, {{"FOO", "new"}, {"BAR", "1"}, {"BAR", "2"}});
  CHECK(util::lookup(env, "PATH") == "/usr/bin");
  CHECK(util::lookup(env, "HOME") == "/root");
  CHECK(util::lookup(env, "FOO") == "new");
  CHECK(util::lookup(env, "BAR") == "2");
  CHECK(util::lookup(env, "BA").empty());
  CHECK(env.size() == 4);
}

TEST_CASE("an Output=TAP test's two streams meet at line ends, and only stdout is TAP") {
  runner::TestOutput output{1024, true};
  output.on_output(runner::Stream::out, "1..2\nok 1\nno");
  output.on_output(runner::Stream::err, "warning: slow\n");
  output.on_output(runner::Stream::out, "t ok 2\n");
  output.on_output(runner::Stream::err, "unfinished");
  output.on_end();
  CHECK(output.capture().tail(10) == "1..2\nok 1\nwarning: slow\nnot ok 2\nunfinished");
  REQUIRE(output.tally());
  CHECK(output.tally()->counts().points == 2);
  CHECK(output.tally()->counts().failed == 1);
}

TEST_CASE("other tests' output is kept as it comes, with no tally") {
  runner::TestOutput output{1024, false};
  output.on_output(runner::Stream::out, "a");
  output.on_output(runner::Stream::out, "b\nc");
  output.on_end();
  CHECK(output.capture().tail(10) == "ab\nc");
  CHECK_FALSE(output.tally());
}

TEST_CASE("a FIFO planted where a log goes is replaced, and a note says so") {
  auto dir = util::TempDir::create(std::filesystem::temp_directory_path(), "capture");
  REQUIRE(dir);
  const auto file = dir->path() / "log.txt";
  REQUIRE(::mkfifo(file.c_str(), 0666) == 0);
  runner::OutputCapture capture{4};
  REQUIRE(capture.add_file(file));
  capture.append("hello\n");
  capture.close_files();
  CHECK(std::filesystem::is_regular_file(file));
  const auto notes = capture.notes(file, "log " + file.string());
  REQUIRE(notes.size() == 1);
  CHECK(notes[0] == "log " + file.string() + ": removed a FIFO found in its place");
  CHECK(capture.complete(file));
  CHECK(capture.notes(dir->path() / "other.txt", "other").empty());
}

TEST_CASE("a log a write failed on is left as it was, and a note says where it stops") {
  auto dir = util::TempDir::create(std::filesystem::temp_directory_path(), "capture");
  REQUIRE(dir);
  const auto file = dir->path() / "log.txt";
  runner::OutputCapture capture{1024};
  REQUIRE(capture.add_file(file));
  // A file size limit stands for a full disk: past it, write() fails with EFBIG (SIGXFSZ
  // ignored), after writing what fits.
  rlimit before{};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &before) == 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit small = before;
  small.rlim_cur = 10;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  capture.append("12345678\n");
  capture.append("abcdefgh\n");
  ::setrlimit(RLIMIT_FSIZE, &before);
  std::signal(SIGXFSZ, old_handler);
  // Written again once there is room, it would leave a hole nothing marks: not written.
  capture.append("later\n");
  capture.close_files();

  std::ifstream in{file};
  std::stringstream text;
  text << in.rdbuf();
  CHECK(text.str() == "12345678\na");
  CHECK(capture.tail(10) == "12345678\nabcdefgh\nlater\n");
  CHECK_FALSE(capture.complete(file));
  const auto notes = capture.notes(file, "log " + file.string());
  REQUIRE(notes.size() == 1);
  CHECK(notes[0] == "log " + file.string() + " is incomplete: File too large (after 10 bytes)");
}
