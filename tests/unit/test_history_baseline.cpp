#include "history/baseline.hpp"

#include "util/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace ginsttest;
namespace fs = std::filesystem;
using core::Comparison;
using core::Outcome;

namespace {

// Writes `text` to a file in a fresh directory and loads it as a baseline.
struct BaselineFile {
  util::Expected<util::TempDir> dir =
      util::TempDir::create(fs::temp_directory_path(), "unit", util::Stamp::no);
  fs::path path = dir->path() / "baseline.json";

  util::Expected<history::Baseline> load(const std::string& text) {
    std::ofstream{path} << text;
    return history::Baseline::load(path);
  }
};

} // namespace

TEST_CASE("regression, known failure, fixed: one table") {
  using core::compare;
  for (auto now : {Outcome::fail, Outcome::timeout, Outcome::error}) {
    CHECK(compare(Outcome::pass, now) == Comparison::regression);
    CHECK(compare(Outcome::skip, now) == Comparison::regression);
    CHECK(compare(Outcome::flaky, now) == Comparison::regression);
    CHECK(compare(std::nullopt, now) == Comparison::regression); // a new test failing
    CHECK(compare(Outcome::interrupted, now) == Comparison::regression);
    for (auto before : {Outcome::fail, Outcome::timeout, Outcome::error}) {
      CHECK(compare(before, now) == Comparison::known_failure);
    }
  }
  CHECK(compare(Outcome::fail, Outcome::pass) == Comparison::fixed);
  CHECK(compare(Outcome::timeout, Outcome::flaky) == Comparison::fixed);
  // A skip now fixes nothing; a pass that passed before is no news.
  CHECK(compare(Outcome::fail, Outcome::skip) == Comparison::unchanged);
  CHECK(compare(Outcome::pass, Outcome::pass) == Comparison::unchanged);
  CHECK(compare(std::nullopt, Outcome::pass) == Comparison::unchanged);
  // Ctrl-C says nothing about the change.
  CHECK(compare(Outcome::pass, Outcome::interrupted) == Comparison::unchanged);
  CHECK(core::name(Comparison::known_failure) == "known-failure");
}

TEST_CASE("a --json file is read as a baseline") {
  BaselineFile file;
  const auto baseline = file.load(
      R"({"record":"test","name":"a/x.test","outcome":"pass","subtests":[{"name":"n"}]})"
      "\n"
      R"({"record":"test","name":"a/y.test","outcome":"timeout","reason":"timed out"})"
      "\n\n"
      R"({"record":"not-run","name":"a/z.test","file":"/f","reason":"interrupted by SIGINT"})"
      "\n"
      R"({"record":"summary","complete":false,"total":3,"baseline":null})"
      "\n");
  REQUIRE(baseline);
  CHECK(baseline->size() == 2);
  CHECK(baseline->outcome("a/x.test") == Outcome::pass);
  CHECK(baseline->outcome("a/y.test") == Outcome::timeout);
  CHECK_FALSE(baseline->outcome("a/z.test")); // not run is not known
  const auto comparison = baseline->compare("a/y.test", Outcome::fail);
  CHECK(comparison.comparison == Comparison::known_failure);
  CHECK(comparison.before == Outcome::timeout);
  CHECK(baseline->compare("b/new.test", Outcome::fail).comparison == Comparison::regression);
}

TEST_CASE("a baseline that cannot be used names the file and the line") {
  BaselineFile file;
  const std::string where = "--baseline " + file.path.string();
  auto error = [&](const std::string& text) {
    auto baseline = file.load(text);
    REQUIRE_FALSE(baseline);
    CHECK(baseline.error().kind == ginsttest::util::ErrorKind::parse);
    return baseline.error().what;
  };
  CHECK(error("{\"record\":\"test\",\"name\":\"a\",\"outcome\":\"pass\"}\n{oops\n")
            .starts_with(where + ":2: not JSON: "));
  CHECK(error("[1,2]\n") == where + ":1: not a JSON object");
  CHECK(error("{\"record\":\"test\",\"outcome\":\"pass\"}\n") ==
        where + ":1: a test record without a name");
  CHECK(error("{\"record\":\"test\",\"name\":\"a\",\"outcome\":\"great\"}\n") ==
        where + ":1: test a has no known outcome");
  CHECK(error("{\"record\":\"summary\"}\n").find("no test results") != std::string::npos);
  CHECK(error("").find("no test results") != std::string::npos);
  fs::remove(file.path);
  const auto missing = history::Baseline::load(file.path);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().what == where + ": No such file or directory");
  CHECK(missing.error().kind == ginsttest::util::ErrorKind::io);
}
