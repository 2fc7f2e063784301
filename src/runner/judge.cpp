#include "runner/judge.hpp"

#include "tap/verdict.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>

namespace ginsttest::runner {
namespace {

void set_outcome(core::TestResult& result, core::Outcome outcome, std::string reason) {
  result.outcome = outcome;
  result.reason = std::move(reason);
}

// The outcome from the monitor's reports, when the test was neither interrupted nor timed out.
void judge_status(const JobFacts& facts, const process::TreeStatus& status, tap::Tally* tally,
                  core::TestResult& result) {
  if (status.exec_errno) {
    set_outcome(result, core::Outcome::error,
                fmt::format("{}: {}", facts.program, util::errno_text(*status.exec_errno)));
  } else if (!status.setup_error.empty()) {
    set_outcome(result, core::Outcome::error,
                fmt::format("cannot start the test in {}: {}", facts.work_dir.string(),
                            status.setup_error));
  } else if (status.wait_status) {
    core::Verdict verdict = tally ? tally->verdict(*status.wait_status)
                                  : core::verdict_from_wait_status(*status.wait_status);
    if (tally) {
      result.subtests = tally->take_subtests();
      result.subtests_not_kept = tally->subtests_not_kept();
    }
    set_outcome(result, verdict.outcome, std::move(verdict.reason));
  } else {
    set_outcome(result, core::Outcome::error,
                "the test's monitor process ended without reporting an exit status");
  }
}

} // namespace

Ending not_started(std::string reason) {
  Ending ending;
  ending.start_error = std::move(reason);
  return ending;
}

core::TestResult judge(const JobFacts& facts, const Ending& ending, tap::Tally* tally) {
  core::TestResult result;
  const process::TreeStatus& status = ending.status;
  if (ending.start_error) {
    set_outcome(result, core::Outcome::error, *ending.start_error);
    return result;
  }
  if (ending.interrupted_by != 0) {
    set_outcome(result, core::Outcome::interrupted, core::interruption(ending.interrupted_by));
  } else if (ending.timed_out) {
    set_outcome(result, core::Outcome::timeout,
                fmt::format("timed out after {} s", facts.timeout.count()));
  } else {
    judge_status(facts, status, tally, result);
  }

  if (status.wait_status && WIFEXITED(*status.wait_status)) {
    result.exit_status = WEXITSTATUS(*status.wait_status);
  } else if (status.wait_status && WIFSIGNALED(*status.wait_status)) {
    result.signal = WTERMSIG(*status.wait_status);
  }
  result.leftover_processes = status.leftovers;
  result.user_seconds = status.user_seconds;
  result.system_seconds = status.system_seconds;
  result.maxrss_kb = status.maxrss_kb;
  if (status.leftovers > 0) {
    result.notes.push_back(fmt::format("killed {} process{} the test left running",
                                       status.leftovers, status.leftovers == 1 ? "" : "es"));
  }
  if (status.monitor_killed) {
    result.notes.push_back("its monitor did not end it within the grace period once asked to "
                           "(a test run as root can keep the signal from it), so it was killed, "
                           "and the test's processes with it");
  }
  if (status.exec_errno == EACCES) {
    if (const auto mode = facts.program_mode; mode && S_ISREG(*mode) && (*mode & 0111) == 0) {
      // Nobody may execute it, root neither: another user or place would not help.
      result.notes.push_back(fmt::format("{} is not executable (its mode is {:04o}): give it "
                                         "execute permission",
                                         facts.program, *mode & 07777));
    } else if (facts.run_as) {
      result.notes.push_back(fmt::format(
          "the test runs as uid {} (the runner was started as root): install it where that user "
          "can read it, choose another with --user, or keep root with --as-root",
          *facts.run_as));
    }
  }
  return result;
}

} // namespace ginsttest::runner
