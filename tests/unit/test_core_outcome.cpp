#include "core/outcome.hpp"

#include "core/test_result.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include <string_view>
#include <tuple>
#include <vector>

using namespace ginsttest::core;

namespace {
constexpr int exited(int code) {
  return code << 8;
}
} // namespace

TEST_CASE("exit statuses map to outcomes with gdtr's meaning") {
  CHECK(verdict_from_wait_status(exited(0)).outcome == Outcome::pass);
  CHECK(verdict_from_wait_status(exited(0)).reason.empty());
  CHECK(verdict_from_wait_status(exited(77)).outcome == Outcome::skip);
  const auto three = verdict_from_wait_status(exited(3));
  CHECK(three.outcome == Outcome::fail);
  CHECK(three.reason == "exited with status 3");
  CHECK(verdict_from_wait_status(exited(1)).outcome == Outcome::fail);
}

TEST_CASE("a signal is named") {
  const auto segv = verdict_from_wait_status(SIGSEGV);
  CHECK(segv.outcome == Outcome::fail);
  CHECK(segv.reason == "killed by SIGSEGV");
  CHECK(verdict_from_wait_status(SIGABRT | 0x80).reason == "killed by SIGABRT, core dumped");
  CHECK(signal_name(SIGKILL) == "SIGKILL");
}

TEST_CASE("a signal's name read back, as the reports write it") {
  for (int signo : {SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGKILL, SIGRTMIN + 2, SIGRTMAX}) {
    CAPTURE(signo);
    CHECK(signal_named(signal_name(signo)) == signo);
  }
  CHECK_FALSE(signal_named("SIGNOPE"));
  CHECK_FALSE(signal_named("sigint"));
  CHECK_FALSE(signal_named("signal 0"));
  CHECK_FALSE(signal_named(""));
}

TEST_CASE("which outcomes fail a run") {
  CHECK_FALSE(is_failure(Outcome::pass));
  CHECK_FALSE(is_failure(Outcome::skip));
  CHECK_FALSE(is_failure(Outcome::flaky));
  CHECK(is_failure(Outcome::fail));
  CHECK(is_failure(Outcome::timeout));
  CHECK(is_failure(Outcome::error));
  CHECK(is_failure(Outcome::interrupted));
  CHECK(label(Outcome::timeout) == "TIMEOUT");
}

TEST_CASE("runner exit codes") {
  CHECK(static_cast<int>(ExitCode::success) == 0);
  CHECK(static_cast<int>(ExitCode::runner_error) == 1);
  CHECK(static_cast<int>(ExitCode::tests_failed) == 2);
  CHECK(exit_code_for_signal(SIGHUP) == 129);
  CHECK(exit_code_for_signal(SIGINT) == 130);
  CHECK(exit_code_for_signal(SIGTERM) == 143);
}

TEST_CASE("the stop signals: SIGINT, SIGTERM and SIGHUP, and which one is pending") {
  const sigset_t stop = stop_signals();
  for (int signo : {SIGINT, SIGTERM, SIGHUP}) {
    CHECK(sigismember(&stop, signo) == 1);
  }
  CHECK(sigismember(&stop, SIGQUIT) == 0);
  sigset_t old;
  REQUIRE(sigprocmask(SIG_BLOCK, &stop, &old) == 0);
  CHECK(pending_stop_signal() == 0);
  raise(SIGHUP);
  CHECK(pending_stop_signal() == SIGHUP);
  raise(SIGTERM);
  CHECK(pending_stop_signal() == SIGTERM); // in the order of the list
  for (int taken = 0; taken < 2; taken++) {
    sigwaitinfo(&stop, nullptr);
  }
  CHECK(pending_stop_signal() == 0);
  sigprocmask(SIG_SETMASK, &old, nullptr);
}

TEST_CASE("one table: each outcome's label, name and gdtr group") {
  const std::vector<std::tuple<Outcome, std::string_view, std::string_view, Group>> table{
      {Outcome::pass, "PASS", "pass", Group::passed},
      {Outcome::fail, "FAIL", "fail", Group::failed},
      {Outcome::skip, "SKIP", "skip", Group::skipped},
      {Outcome::timeout, "TIMEOUT", "timeout", Group::failed},
      {Outcome::error, "ERROR", "error", Group::failed},
      {Outcome::flaky, "FLAKY", "flaky", Group::passed},
      {Outcome::interrupted, "INTERRUPTED", "interrupted", Group::failed},
  };
  for (const auto& [outcome, its_label, its_name, its_group] : table) {
    CAPTURE(its_label);
    CHECK(label(outcome) == its_label);
    CHECK(name(outcome) == its_name);
    CHECK(group(outcome) == its_group);
    CHECK(is_failure(outcome) == (its_group == Group::failed));
    CHECK(outcome_named(its_name) == outcome);
  }
  CHECK_FALSE(outcome_named("PASS"));
  for (auto comparison : {Comparison::unchanged, Comparison::regression, Comparison::known_failure,
                          Comparison::fixed}) {
    CHECK(comparison_named(name(comparison)) == comparison);
  }
  CHECK_FALSE(comparison_named("known_failure"));
  for (auto subtest : {SubtestOutcome::pass, SubtestOutcome::fail, SubtestOutcome::skip,
                       SubtestOutcome::todo, SubtestOutcome::todo_passed}) {
    CHECK(subtest_outcome_named(name(subtest)) == subtest);
  }
  CHECK_FALSE(subtest_outcome_named("todo_passed"));
  CHECK(label(Group::passed) == "PASS");
  CHECK(label(Group::skipped) == "SKIP");
  CHECK(label(Group::failed) == "FAIL");
  CHECK(interruption(SIGTERM) == "interrupted by SIGTERM");
}

TEST_CASE("the outcome of several runs: FLAKY when some failed, else the last") {

  CHECK(outcome_of_runs(1, 0, Outcome::pass) == Outcome::pass);
  CHECK(outcome_of_runs(3, 0, Outcome::skip) == Outcome::skip);
  CHECK(outcome_of_runs(3, 3, Outcome::timeout) == Outcome::timeout);
  CHECK(outcome_of_runs(3, 1, Outcome::pass) == Outcome::flaky);
  CHECK(outcome_of_runs(3, 2, Outcome::fail) == Outcome::flaky);
  CHECK(outcome_of_runs(2, 1, Outcome::interrupted) == Outcome::interrupted);
  CHECK(is_failed_run(Outcome::error));
  CHECK_FALSE(is_failed_run(Outcome::interrupted));
  CHECK_FALSE(is_failed_run(Outcome::flaky));
}
