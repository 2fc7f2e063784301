#include "core/outcome.hpp"

#include "core/test_result.hpp"

#include <fmt/format.h>
#include <iterator>
#include <string.h>
#include <sys/wait.h>

namespace ginsttest::core {

namespace {

// The one table: each outcome's label, its name in machine-readable reports, and the group
// gdtr's lines and counts put it in.
struct OutcomeRow {
  Outcome outcome;
  std::string_view label;
  std::string_view name;
  Group group;
};

constexpr OutcomeRow outcome_table[] = {
    {Outcome::pass, "PASS", "pass", Group::passed},
    {Outcome::fail, "FAIL", "fail", Group::failed},
    {Outcome::skip, "SKIP", "skip", Group::skipped},
    {Outcome::timeout, "TIMEOUT", "timeout", Group::failed},
    {Outcome::error, "ERROR", "error", Group::failed},
    {Outcome::flaky, "FLAKY", "flaky", Group::passed},
    {Outcome::interrupted, "INTERRUPTED", "interrupted", Group::failed},
};

constexpr bool in_enum_order() {
  for (std::size_t i = 0; i < std::size(outcome_table); i++) {
    if (static_cast<std::size_t>(outcome_table[i].outcome) != i) {
      return false;
    }
  }
  return true;
}
static_assert(in_enum_order() && std::size(outcome_table) == 7, "one row per Outcome, in order");

const OutcomeRow& row(Outcome outcome) {
  return outcome_table[static_cast<std::size_t>(outcome)];
}

} // namespace

std::string_view label(Outcome outcome) {
  return row(outcome).label;
}

std::string_view name(Outcome outcome) {
  return row(outcome).name;
}

Group group(Outcome outcome) {
  return row(outcome).group;
}

std::string_view label(Group group) {
  switch (group) {
  case Group::passed:
    return "PASS";
  case Group::skipped:
    return "SKIP";
  case Group::failed:
    return "FAIL";
  }
  return "FAIL";
}

std::optional<Outcome> outcome_named(std::string_view text) {
  for (const auto& entry : outcome_table) {
    if (entry.name == text) {
      return entry.outcome;
    }
  }
  return std::nullopt;
}

Comparison compare(std::optional<Outcome> baseline, Outcome now) {
  // A run stopped by Ctrl-C says nothing about the change, then or now.
  const auto failed = is_failed_run;
  const bool failed_before = baseline && failed(*baseline);
  if (failed(now)) {
    return failed_before ? Comparison::known_failure : Comparison::regression;
  }
  if (failed_before && (now == Outcome::pass || now == Outcome::flaky)) {
    return Comparison::fixed;
  }
  return Comparison::unchanged;
}

std::string_view name(Comparison comparison) {
  switch (comparison) {
  case Comparison::unchanged:
    return "unchanged";
  case Comparison::regression:
    return "regression";
  case Comparison::known_failure:
    return "known-failure";
  case Comparison::fixed:
    return "fixed";
  }
  return "unchanged";
}

std::optional<Comparison> comparison_named(std::string_view text) {
  for (auto comparison : {Comparison::unchanged, Comparison::regression, Comparison::known_failure,
                          Comparison::fixed}) {
    if (name(comparison) == text) {
      return comparison;
    }
  }
  return std::nullopt;
}

std::string_view name(SubtestOutcome outcome) {
  switch (outcome) {
  case SubtestOutcome::pass:
    return "pass";
  case SubtestOutcome::fail:
    return "fail";
  case SubtestOutcome::skip:
    return "skip";
  case SubtestOutcome::todo:
    return "todo";
  case SubtestOutcome::todo_passed:
    return "todo-passed";
  }
  return "fail";
}

std::optional<SubtestOutcome> subtest_outcome_named(std::string_view text) {
  for (auto outcome : {SubtestOutcome::pass, SubtestOutcome::fail, SubtestOutcome::skip,
                       SubtestOutcome::todo, SubtestOutcome::todo_passed}) {
    if (name(outcome) == text) {
      return outcome;
    }
  }
  return std::nullopt;
}

bool is_failure(Outcome outcome) {
  return group(outcome) == Group::failed;
}

bool is_failed_run(Outcome outcome) {
  return is_failure(outcome) && outcome != Outcome::interrupted;
}

Outcome outcome_of_runs(unsigned runs, unsigned failed, Outcome last) {
  // A run stopped by Ctrl-C ends the test as INTERRUPTED, whatever the runs before it did.
  if (failed == 0 || failed >= runs || last == Outcome::interrupted) {
    return last;
  }
  return Outcome::flaky;
}

std::string interruption(int signo) {
  return "interrupted by " + signal_name(signo);
}

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (const int signo : {SIGINT, SIGTERM, SIGHUP}) {
    sigaddset(&set, signo);
  }
  return set;
}

int pending_stop_signal() {
  sigset_t pending;
  sigemptyset(&pending);
  sigpending(&pending);
  for (const int signo : {SIGINT, SIGTERM, SIGHUP}) {
    if (sigismember(&pending, signo) == 1) {
      return signo;
    }
  }
  return 0;
}

std::string signal_name(int signo) {
  if (const char* abbrev = ::sigabbrev_np(signo)) {
    return fmt::format("SIG{}", abbrev);
  }
  return fmt::format("signal {}", signo);
}

std::optional<int> signal_named(std::string_view text) {
  // Every number signal_name() can be given and names differently: the kernel's signals, the
  // real-time ones included.
  for (int signo = 1; signo <= SIGRTMAX; signo++) {
    if (signal_name(signo) == text) {
      return signo;
    }
  }
  return std::nullopt;
}

Verdict verdict_from_wait_status(int wait_status) {
  if (WIFEXITED(wait_status)) {
    const int code = WEXITSTATUS(wait_status);
    if (code == 0) {
      return {Outcome::pass, {}};
    }
    if (code == skip_exit_status) {
      return {Outcome::skip, {}};
    }
    return {Outcome::fail, fmt::format("exited with status {}", code)};
  }
  if (WIFSIGNALED(wait_status)) {
    const int signo = WTERMSIG(wait_status);
    return {Outcome::fail, fmt::format("killed by {}{}", signal_name(signo),
                                       WCOREDUMP(wait_status) ? ", core dumped" : "")};
  }
  return {Outcome::error, fmt::format("unexpected wait status {:#x}", wait_status)};
}

} // namespace ginsttest::core
