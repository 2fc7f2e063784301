// The judge's precedence rules, from made-up endings: no process is started here.
#include "runner/judge.hpp"
#include "tap/parser.hpp"
#include "tap/verdict.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>

using namespace ginsttest;
using core::Outcome;
using runner::Ending;
using runner::JobFacts;
using runner::judge;

namespace {

int exited(int code) {
  return W_EXITCODE(code, 0);
}
int killed(int signo) {
  return W_EXITCODE(0, signo);
}

JobFacts facts() {
  JobFacts f;
  f.program = "/usr/libexec/installed-tests/demo/prog";
  f.work_dir = "/tmp/test-tmp-demo-ABCDEF";
  f.timeout = std::chrono::seconds{300};
  return f;
}

Ending ended_with(int wait_status) {
  Ending ending;
  ending.status.wait_status = wait_status;
  return ending;
}

// A tally that has read `tap` to its end.
struct ReadTap {
  explicit ReadTap(std::string_view tap) {
    tap::Parser parser{tally};
    parser.feed(tap);
    parser.finish();
  }
  tap::Tally tally;
};

} // namespace

TEST_CASE("the exit status decides when nothing else happened") {
  CHECK(judge(facts(), ended_with(exited(0)), nullptr).outcome == Outcome::pass);
  CHECK(judge(facts(), ended_with(exited(77)), nullptr).outcome == Outcome::skip);
  const auto failed = judge(facts(), ended_with(exited(3)), nullptr);
  CHECK(failed.outcome == Outcome::fail);
  CHECK(failed.reason == "exited with status 3");
  CHECK(failed.exit_status == 3);
  CHECK_FALSE(failed.signal);
  const auto crashed = judge(facts(), ended_with(killed(SIGSEGV)), nullptr);
  CHECK(crashed.outcome == Outcome::fail);
  CHECK(crashed.reason == "killed by SIGSEGV");
  CHECK(crashed.signal == SIGSEGV);
  CHECK_FALSE(crashed.exit_status);
}

TEST_CASE("a start error wins over everything, and nothing else is told") {
  Ending ending = runner::not_started("cannot write the log: /logs/a.txt: Permission denied");
  ending.interrupted_by = SIGINT;
  ending.timed_out = true;
  ending.status.wait_status = exited(0);
  ending.status.leftovers = 2;
  const auto result = judge(facts(), ending, nullptr);
  CHECK(result.outcome == Outcome::error);
  CHECK(result.reason == "cannot write the log: /logs/a.txt: Permission denied");
  CHECK_FALSE(result.exit_status);
  CHECK(result.notes.empty());
}

TEST_CASE("an interruption wins over a timeout and the exit status, which is still recorded") {
  Ending ending = ended_with(killed(SIGTERM));
  ending.interrupted_by = SIGINT;
  ending.timed_out = true;
  const auto result = judge(facts(), ending, nullptr);
  CHECK(result.outcome == Outcome::interrupted);
  CHECK(result.reason == "interrupted by SIGINT");
  CHECK(result.signal == SIGTERM);
}

TEST_CASE("a timeout wins over a passing exit status and a TAP verdict") {
  ReadTap tap{"1..2\nok 1\nnot ok 2\n"};
  Ending ending = ended_with(exited(0));
  ending.timed_out = true;
  const auto result = judge(facts(), ending, &tap.tally);
  CHECK(result.outcome == Outcome::timeout);
  CHECK(result.reason == "timed out after 300 s");
  CHECK(result.exit_status == 0);
}

TEST_CASE("a test that could not be executed is an error naming the program") {
  Ending ending;
  ending.status.exec_errno = ENOENT;
  ending.status.setup_error = "chdir: Permission denied"; // the exec error is told first
  const auto result = judge(facts(), ending, nullptr);
  CHECK(result.outcome == Outcome::error);
  CHECK(result.reason == "/usr/libexec/installed-tests/demo/prog: No such file or directory");
  CHECK(result.notes.empty());
}

TEST_CASE("EACCES as another user says how to fix it; as oneself it does not") {
  Ending ending;
  ending.status.exec_errno = EACCES;
  JobFacts as_nobody = facts();
  as_nobody.run_as = 65534;
  const auto result = judge(as_nobody, ending, nullptr);
  REQUIRE(result.notes.size() == 1);
  CHECK(result.notes[0].find("runs as uid 65534") != std::string::npos);
  CHECK(result.notes[0].find("--as-root") != std::string::npos);
  CHECK(judge(facts(), ending, nullptr).notes.empty());
}

TEST_CASE("EACCES for a file without any execute bit says so, whoever runs it") {
  Ending ending;
  ending.status.exec_errno = EACCES;
  JobFacts as_nobody = facts();
  as_nobody.run_as = 65534;
  as_nobody.program_mode = S_IFREG | 0644;
  const std::vector<std::string> not_executable{
      "/usr/libexec/installed-tests/demo/prog is not executable (its mode is 0644): give it "
      "execute permission"};
  CHECK(judge(as_nobody, ending, nullptr).notes == not_executable);
  JobFacts as_root = facts();
  as_root.program_mode = S_IFREG | 0600;
  CHECK(judge(as_root, ending, nullptr).notes.size() == 1);
  // Executable by someone, but not by the test user: where it is installed is the matter.
  as_nobody.program_mode = S_IFREG | 0700;
  REQUIRE(judge(as_nobody, ending, nullptr).notes.size() == 1);
  CHECK(judge(as_nobody, ending, nullptr).notes[0].find("install it where") != std::string::npos);
}

TEST_CASE("a setup failure names the working directory and the step") {
  Ending ending;
  ending.status.setup_error = "chdir: Permission denied";
  const auto result = judge(facts(), ending, nullptr);
  CHECK(result.outcome == Outcome::error);
  CHECK(result.reason ==
        "cannot start the test in /tmp/test-tmp-demo-ABCDEF: chdir: Permission denied");
}

TEST_CASE("a monitor that reported nothing is an error, not a pass") {
  const auto result = judge(facts(), Ending{}, nullptr);
  CHECK(result.outcome == Outcome::error);
  CHECK(result.reason.find("without reporting an exit status") != std::string::npos);
}

TEST_CASE("Output=TAP: the tally fails a test that exits 0, and its subtests move over") {
  ReadTap tap{"1..3\nok 1 first\nnot ok 2 second\nok 3 third # SKIP no network\n"};
  const auto result = judge(facts(), ended_with(exited(0)), &tap.tally);
  CHECK(result.outcome == Outcome::fail);
  REQUIRE(result.subtests.size() == 3);
  CHECK(result.subtests[1].name == "second");
  CHECK(result.subtests[1].outcome == core::SubtestOutcome::fail);
  CHECK(result.subtests[2].outcome == core::SubtestOutcome::skip);
}

TEST_CASE("Output=TAP: a clean tally still fails on a crash") {
  ReadTap tap{"1..1\nok 1\n"};
  const auto result = judge(facts(), ended_with(killed(SIGABRT)), &tap.tally);
  CHECK(result.outcome == Outcome::fail);
  CHECK(result.signal == SIGABRT);
}

TEST_CASE("leftover processes are a note whatever the outcome, and CPU figures are kept") {
  Ending ending = ended_with(exited(0));
  ending.status.leftovers = 1;
  ending.status.user_seconds = 1.5;
  ending.status.system_seconds = 0.25;
  ending.status.maxrss_kb = 4096;
  auto result = judge(facts(), ending, nullptr);
  CHECK(result.outcome == Outcome::pass);
  CHECK(result.leftover_processes == 1);
  REQUIRE(result.notes.size() == 1);
  CHECK(result.notes[0] == "killed 1 process the test left running");
  CHECK(result.user_seconds == 1.5);
  CHECK(result.system_seconds == 0.25);
  CHECK(result.maxrss_kb == 4096);

  ending.status.leftovers = 3;
  ending.timed_out = true;
  result = judge(facts(), ending, nullptr);
  CHECK(result.outcome == Outcome::timeout);
  REQUIRE(result.notes.size() == 1);
  CHECK(result.notes[0] == "killed 3 processes the test left running");
}

TEST_CASE("a timed-out test whose monitor had to be killed is a timeout, with a note") {
  Ending ending; // no exit status: the monitor died before it could report one
  ending.timed_out = true;
  ending.status.monitor_killed = true;
  const auto result = judge(facts(), ending, nullptr);
  CHECK(result.outcome == Outcome::timeout);
  REQUIRE(result.notes.size() == 1);
  CHECK(result.notes[0].starts_with("its monitor did not end it within the grace period"));
}
