#include "core/outcome.hpp"

#include "core/test_result.hpp"

#include <fmt/format.h>
#include <string.h>
#include <sys/wait.h>

namespace ginsttest::core {

std::string_view label(Outcome outcome) {
  switch (outcome) {
  case Outcome::pass:
    return "PASS";
  case Outcome::fail:
    return "FAIL";
  case Outcome::skip:
    return "SKIP";
  case Outcome::timeout:
    return "TIMEOUT";
  case Outcome::error:
    return "ERROR";
  case Outcome::flaky:
    return "FLAKY";
  case Outcome::interrupted:
    return "INTERRUPTED";
  }
  return "UNKNOWN";
}

std::string_view name(Outcome outcome) {
  switch (outcome) {
  case Outcome::pass:
    return "pass";
  case Outcome::fail:
    return "fail";
  case Outcome::skip:
    return "skip";
  case Outcome::timeout:
    return "timeout";
  case Outcome::error:
    return "error";
  case Outcome::flaky:
    return "flaky";
  case Outcome::interrupted:
    return "interrupted";
  }
  return "error";
}

std::optional<Outcome> outcome_named(std::string_view text) {
  for (auto outcome : {Outcome::pass, Outcome::fail, Outcome::skip, Outcome::timeout,
                       Outcome::error, Outcome::flaky, Outcome::interrupted}) {
    if (name(outcome) == text) {
      return outcome;
    }
  }
  return std::nullopt;
}

Comparison compare(std::optional<Outcome> baseline, Outcome now) {
  // A run stopped by Ctrl-C says nothing about the change, then or now.
  const auto failed = [](Outcome outcome) {
    return is_failure(outcome) && outcome != Outcome::interrupted;
  };
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

bool is_failure(Outcome outcome) {
  return outcome != Outcome::pass && outcome != Outcome::skip && outcome != Outcome::flaky;
}

std::string signal_name(int signo) {
  if (const char* abbrev = ::sigabbrev_np(signo)) {
    return fmt::format("SIG{}", abbrev);
  }
  return fmt::format("signal {}", signo);
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
