// The last step of running a test: what its ending means. No I/O and no clock, so that every
// precedence rule is tested with made-up endings (tests/unit/test_runner_judge.cpp).
#pragma once

#include "core/test_result.hpp"
#include "process/tree.hpp"

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace ginsttest::tap {
class Tally;
}

namespace ginsttest::runner {

// What the judge needs to know of the test beyond how it ended, for its wording.
struct JobFacts {
  std::string program;                 // the file executed
  std::filesystem::path work_dir;      // its working directory, as the test sees it
  std::filesystem::path host_work_dir; // ... and as the runner does (see TestDir)
  std::chrono::seconds timeout{0};     // as configured; 0: none
  std::optional<uid_t> run_as;         // the user it ran as, when the runner is root and it is not
  std::optional<mode_t> program_mode;  // the program's st_mode, looked up when its exec got EACCES
};

// How the watch of a test ended.
struct Ending {
  std::optional<std::string> start_error;   // the test could not be started at all
  int interrupted_by = 0;                   // a stop signal (SIGINT...) ended it with the run
  bool timed_out = false;                   // its deadline ended it
  process::TreeStatus status;               // what its monitor reported
  std::optional<core::Backtrace> backtrace; // its stacks, or those in its core
  std::vector<std::string> notes;           // from the watch: why a crash has no backtrace
};

// The ending of a test that could not be started: `reason` says why.
Ending not_started(std::string reason);

// The outcome and its reason, exit status or signal, leftover processes, CPU time and notes.
// Precedence: could not start > interrupted > timed out > could not be executed > could not be
// set up > the exit status (read with the TAP tally for Output=TAP tests, whose subtests move
// into the result) > no status at all. Leftover processes are a note whatever the outcome.
core::TestResult judge(const JobFacts& facts, const Ending& ending, tap::Tally* tally);

} // namespace ginsttest::runner
