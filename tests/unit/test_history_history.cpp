#include "history/history.hpp"

#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

using namespace ginsttest;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using core::Outcome;

namespace {

struct HistoryDir {
  util::Expected<util::TempDir> dir =
      util::TempDir::create(fs::temp_directory_path(), "unit", util::Stamp::no);
  fs::path path = dir->path() / "state" / "history";

  std::string text() const {
    std::ifstream in{path};
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }
  void write(const std::string& text) const {
    fs::create_directories(path.parent_path());
    std::ofstream{path} << text;
  }
};

core::TestSpec spec(std::string name, std::string root = "/r/installed-tests",
                    bool exclusive = false) {
  core::TestSpec s;
  s.name = std::move(name);
  s.root = std::move(root);
  s.type = exclusive ? core::TestType::session_exclusive : core::TestType::session;
  return s;
}

core::TestResult result(Outcome outcome, std::chrono::milliseconds took) {
  core::TestResult r;
  r.outcome = outcome;
  r.duration = took;
  return r;
}

} // namespace

TEST_CASE("a missing history file is an empty history; saving makes it, with its directory") {
  HistoryDir dir;
  auto history = history::History::load(dir.path);
  REQUIRE(history);
  CHECK(history->size() == 0);
  history->record(spec("a.test"), result(Outcome::pass, 1500ms));
  history->record(spec("b\tc%.test", "/other", true), result(Outcome::timeout, 300000ms));
  history->record(spec("i.test"), result(Outcome::interrupted, 5ms)); // says nothing
  REQUIRE(history->save(dir.path));
  CHECK(dir.text() == "ginsttest-runner history 1\n"
                      "a.test\t/r/installed-tests\tsession\tpass 1500\n"
                      "b%09c%25.test\t/other\tsession-exclusive\ttimeout 300000\n");
  struct stat st {};
  REQUIRE(::stat(dir.path.c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0644);

  auto again = history::History::load(dir.path);
  REQUIRE(again);
  CHECK(again->duration("/r/installed-tests", "a.test") == 1500ms);
  CHECK(again->duration("/other", "b\tc%.test") == 300000ms);
  CHECK(again->failed_last("/other", "b\tc%.test"));
  CHECK_FALSE(again->failed_last("/r/installed-tests", "a.test"));
  // Keyed by name and root.
  CHECK_FALSE(again->duration("/other", "a.test"));
  CHECK(again->find("/other", "b\tc%.test")->type == core::TestType::session_exclusive);
}

TEST_CASE("the history keeps each test's last results, newest first, and averages them") {
  HistoryDir dir;
  for (int run = 1; run <= 7; run++) {
    auto history = history::History::load(dir.path);
    REQUIRE(history);
    history->record(spec("a.test"), result(run == 7 ? Outcome::fail : Outcome::pass,
                                           std::chrono::milliseconds{run * 100}));
    REQUIRE(history->save(dir.path));
  }
  auto history = history::History::load(dir.path);
  REQUIRE(history);
  const auto* entry = history->find("/r/installed-tests", "a.test");
  REQUIRE(entry);
  REQUIRE(entry->recent.size() == history::History::kept);
  CHECK(entry->recent.front().outcome == Outcome::fail);
  CHECK(entry->recent.front().duration == 700ms);
  CHECK(entry->recent.back().duration == 300ms);
  CHECK(history->duration("/r/installed-tests", "a.test") == 500ms);
  CHECK(history->failed_last("/r/installed-tests", "a.test"));
}

TEST_CASE("two runs that end together both add their results") {
  HistoryDir dir;
  auto first = history::History::load(dir.path);
  auto second = history::History::load(dir.path);
  REQUIRE(first);
  REQUIRE(second);
  first->record(spec("one.test"), result(Outcome::pass, 10ms));
  second->record(spec("two.test"), result(Outcome::fail, 20ms));
  second->record(spec("one.test"), result(Outcome::skip, 30ms));
  REQUIRE(first->save(dir.path));
  REQUIRE(second->save(dir.path));
  CHECK(dir.text() == "ginsttest-runner history 1\n"
                      "one.test\t/r/installed-tests\tsession\tskip 30\tpass 10\n"
                      "two.test\t/r/installed-tests\tsession\tfail 20\n");
}

TEST_CASE("a foreign or corrupt history is an error naming the file and line") {
  HistoryDir dir;
  dir.write("root:x:0:0:root:/root:/bin/bash\n");
  auto foreign = history::History::load(dir.path);
  REQUIRE_FALSE(foreign);
  CHECK(foreign.error().what.find(dir.path.string() + ": not a ginsttest-runner history file") ==
        0);

  dir.write("ginsttest-runner history 1\na.test\t/r\tsession\tpass 12\nb.test\t/r\tsession\tpass "
            "soon\n");
  auto corrupt = history::History::load(dir.path);
  REQUIRE_FALSE(corrupt);
  CHECK(corrupt.error().what ==
        dir.path.string() + ":3: 'pass soon' is not an outcome and milliseconds");

  dir.write("ginsttest-runner history 1\na.test\t/r\tsession-shared\tpass 12\n");
  CHECK_FALSE(history::History::load(dir.path));
  dir.write("ginsttest-runner history 1\na%Z.test\t/r\tsession\tpass 12\n");
  CHECK_FALSE(history::History::load(dir.path));

  // Not overwritten by a run that could not read it.
  history::History fresh;
  fresh.record(spec("a.test"), result(Outcome::pass, 1ms));
  CHECK_FALSE(fresh.save(dir.path));
  CHECK(dir.text() == "ginsttest-runner history 1\na%Z.test\t/r\tsession\tpass 12\n");
}

TEST_CASE("a history path that is not a regular file is refused without blocking") {
  HistoryDir dir;
  fs::create_directories(dir.path.parent_path());
  REQUIRE(::mkfifo(dir.path.c_str(), 0600) == 0);
  auto fifo = history::History::load(dir.path);
  REQUIRE_FALSE(fifo);
  CHECK(fifo.error().what == dir.path.string() + ": not a regular file (a FIFO)");
}
