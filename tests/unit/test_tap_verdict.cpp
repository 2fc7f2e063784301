#include "tap/verdict.hpp"

#include <doctest/doctest.h>
#include <signal.h>

using namespace ginsttest;
using core::Outcome;
using core::SubtestOutcome;

namespace {

constexpr int exited(int code) {
  return code << 8;
}

struct Judged {
  core::Verdict verdict;
  std::vector<core::SubtestResult> subtests;
  std::size_t not_kept = 0;
};

Judged judge(std::string_view tap, int wait_status = exited(0)) {
  tap::Tally tally{3};
  tap::Parser parser{tally};
  parser.feed(tap);
  parser.finish();
  Judged out{tally.verdict(wait_status), tally.take_subtests(), tally.subtests_not_kept()};
  return out;
}

} // namespace

TEST_CASE("passing points with a matching plan pass; TODOs never fail") {
  CHECK(judge("1..2\nok 1 a\nok 2 b\n").verdict.outcome == Outcome::pass);
  CHECK(judge("ok 1 a\nok 2 b\n1..2\n").verdict.outcome == Outcome::pass); // plan at the end
  const auto todo = judge("1..2\nnot ok 1 a # TODO later\nok 2 b # TODO done early\n");
  CHECK(todo.verdict.outcome == Outcome::pass);
  REQUIRE(todo.subtests.size() == 2);
  CHECK(todo.subtests[0].outcome == SubtestOutcome::todo);
  CHECK(todo.subtests[0].reason == "later");
  CHECK(todo.subtests[1].outcome == SubtestOutcome::todo_passed);
}

TEST_CASE("a not ok point fails the test even when it exits 0, naming the failures") {
  const auto j = judge("1..3\nok 1 /a\nnot ok 2 /b\nnot ok 3 /c\n");
  CHECK(j.verdict.outcome == Outcome::fail);
  CHECK(j.verdict.reason == "2 of 3 subtests failed: /b, /c");
  // An unnamed point is named by its number; "not ok # SKIP" fails as with TAP::Parser.
  CHECK(judge("1..1\nnot ok 1 # SKIP nope\n").verdict.reason == "1 of 1 subtests failed: #1");
  // A point without a description is named by its number in the results too.
  const auto unnamed = judge("1..2\nok 1\nnot ok\n");
  REQUIRE(unnamed.subtests.size() == 2);
  CHECK(unnamed.subtests[0].name == "#1");
  CHECK(unnamed.subtests[1].name == "#2");
  // Only the first five names.
  std::string many = "1..7\n";
  for (int i = 1; i <= 7; i++) {
    many += "not ok " + std::to_string(i) + " t" + std::to_string(i) + "\n";
  }
  CHECK(judge(many).verdict.reason == "7 of 7 subtests failed: t1, t2, t3, t4, t5, ...");
}

TEST_CASE("plans: missing, not matching, twice") {
  CHECK(judge("ok 1\n").verdict.reason == "no plan");
  // No TAP at all: the exit status decides (GLib's cxx and deftype tests print nothing).
  CHECK(judge("").verdict.outcome == Outcome::pass);
  CHECK(judge("# only a comment\n").verdict.outcome == Outcome::pass);
  CHECK(judge("", exited(1)).verdict.reason ==
        "exited with status 1; no TAP output (no plan, no test point)");
  CHECK(judge("", exited(77)).verdict.outcome == Outcome::skip);
  CHECK(judge("1..3\nok 1\n").verdict.reason == "planned 3, ran 1");
  CHECK(judge("1..1\nok 1\nok 2\n").verdict.reason == "planned 1, ran 2");
  CHECK(judge("ok 1\n1..1\nok 2\n1..2\n").verdict.reason == "2 plans");
  CHECK(judge("1..1 # SKIP flux\nok 1\n").verdict.reason ==
        "1..1 # SKIP plans tests and skips them all");
}

TEST_CASE("bail out fails, also from a subtest") {
  const auto j = judge("1..5\nok 1\nBail out! no more disk\n");
  CHECK(j.verdict.outcome == Outcome::fail);
  CHECK(j.verdict.reason == "bailed out: no more disk");
  CHECK(judge("1..1\n    ok 1\n    Bail out!\nok 1\n").verdict.reason == "bailed out");
}

TEST_CASE("skips: the whole stream, exit status 77, every point") {
  const auto all = judge("1..0 # SKIP no display\n");
  CHECK(all.verdict.outcome == Outcome::skip);
  CHECK(all.verdict.reason == "no display");
  CHECK(judge("1..0\n").verdict.outcome == Outcome::skip);
  CHECK(judge("1..4\nok 1\n", exited(77)).verdict.outcome == Outcome::skip);
  CHECK(judge("1..2\nnot ok 1\n", exited(77)).verdict.outcome == Outcome::fail);
  const auto skipped = judge("1..2\nok 1 # SKIP a\nok 2 # skip b\n");
  CHECK(skipped.verdict.outcome == Outcome::skip);
  CHECK(skipped.verdict.reason == "all 2 subtests skipped");
  CHECK(judge("1..2\nok 1 # SKIP a\nok 2\n").verdict.outcome == Outcome::pass);
}

TEST_CASE("the exit status still counts") {
  const auto j = judge("1..1\nok 1\n", exited(1));
  CHECK(j.verdict.outcome == Outcome::fail);
  CHECK(j.verdict.reason == "exited with status 1");
  const auto both = judge("1..2\nok 1\nnot ok 2 x\n", SIGABRT);
  CHECK(both.verdict.reason == "killed by SIGABRT; 1 of 2 subtests failed: x");
}

TEST_CASE("subtests keep names, YAML diagnostics, and stop being kept past the cap") {
  const auto j = judge("1..5\nnot ok 1 first\n  ---\n  message: boom\n  ...\nok 2 second\n"
                       "ok 3 third\nok 4 fourth\nok 5 fifth\n");
  REQUIRE(j.subtests.size() == 3);
  CHECK(j.subtests[0].name == "first");
  CHECK(j.subtests[0].outcome == SubtestOutcome::fail);
  CHECK(j.subtests[0].diagnostics == "message: boom\n");
  CHECK(j.subtests[1].diagnostics.empty());
  CHECK(j.not_kept == 2);
  // Points of a child stream are summed up by the parent's own point.
  const auto nested = judge("1..1\n    1..1\n    not ok 1 inner\nok 1 outer\n");
  CHECK(nested.verdict.outcome == Outcome::pass);
  REQUIRE(nested.subtests.size() == 1);
  CHECK(nested.subtests[0].name == "outer");
}

TEST_CASE("as for TAP::Parser: numbers out of sequence, a plan in the middle") {
  CHECK(judge("1..3\nok 1\nok 3\nok 2\n").verdict.reason ==
        "out of sequence: test 3 where 2 was expected");
  // Unnumbered points keep the count going.
  CHECK(judge("1..3\nok\nok 2\nok\n").verdict.outcome == Outcome::pass);
  CHECK(judge("ok 1\n1..2\nok 2\n").verdict.reason ==
        "the plan is neither at the start nor at the end");
}
