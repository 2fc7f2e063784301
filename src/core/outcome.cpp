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
