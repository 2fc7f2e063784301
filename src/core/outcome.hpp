// The one vocabulary for test outcomes and the runner's exit codes.
//
//   a test's exit          outcome     reason shown
//   0                      PASS
//   77                     SKIP
//   any other N            FAIL        "exited with status N"
//   killed by signal S     FAIL        "killed by SIGSEGV"
//   could not be executed  ERROR       "/path/to/prog: No such file or directory"
//   ran past --timeout     TIMEOUT     "timed out after N s"
//   stopped by Ctrl-C      INTERRUPTED "interrupted"
//
//   runner exit code: 0 every test passed or skipped, 1 the runner could not do its job,
//   2 at least one test did not pass, 128+N after signal N (129 SIGHUP, 130 SIGINT,
//   143 SIGTERM).
#pragma once

#include <signal.h>

#include <optional>
#include <string>
#include <string_view>

namespace ginsttest::core {

enum class Outcome { pass, fail, skip, timeout, error, flaky, interrupted };

// Upper-case label used on the console and in reports: "PASS", "FAIL", "TIMEOUT"...
std::string_view label(Outcome outcome);

// Lower-case name used by the machine-readable reports: "pass", "timeout", "interrupted"...
std::string_view name(Outcome outcome);

// gdtr's three words for a result, and what the SUMMARY line counts: FLAKY is passed;
// TIMEOUT, ERROR and INTERRUPTED are failed.
enum class Group { passed, skipped, failed };
Group group(Outcome outcome);
// "PASS", "SKIP" or "FAIL": the word of gdtr's result lines and journal message IDs.
std::string_view label(Group group);

// True for every outcome that makes the run fail: the failed group.
bool is_failure(Outcome outcome);

// "interrupted by SIGINT": why a test of the plan never ran, or a run is incomplete.
std::string interruption(int signo);

// The outcome `name` names ("pass", "timeout"...), as the reports write it; nullopt for none.
std::optional<Outcome> outcome_named(std::string_view name);

// How a test's outcome compares with its outcome in a baseline run (--baseline):
//
//   baseline             now                  comparison
//   pass, skip, absent   fail/timeout/error   regression      (fails the run)
//   fail/timeout/error   fail/timeout/error   known_failure   (shown, does not fail the run)
//   fail/timeout/error   pass                 fixed
//   anything else                             unchanged
enum class Comparison { unchanged, regression, known_failure, fixed };
Comparison compare(std::optional<Outcome> baseline, Outcome now);

// "unchanged", "regression", "known-failure", "fixed": the reports' words.
std::string_view name(Comparison comparison);
// The comparison `name` names, as name(Comparison) writes it; nullopt for none.
std::optional<Comparison> comparison_named(std::string_view name);

// The outcome of a test that ran `runs` times (--retry, --repeat), `failed` of them with a
// failure, the last with `last`:
//
//   failed runs       outcome
//   none              last         (PASS or SKIP)
//   every one         last         (FAIL, TIMEOUT or ERROR)
//   some              FLAKY        (unless the last was INTERRUPTED: then that)
Outcome outcome_of_runs(unsigned runs, unsigned failed, Outcome last);

// Whether a run that ended with `outcome` counts as a failed run, one --retry runs again: a
// failure of the test's own (not INTERRUPTED).
bool is_failed_run(Outcome outcome);

inline constexpr int skip_exit_status = 77;

// What a finished process means, decided from its wait status alone.
struct Verdict {
  Outcome outcome;
  std::string reason; // empty for PASS and for a plain exit-77 SKIP
};
Verdict verdict_from_wait_status(int wait_status);

// "SIGSEGV" for SIGSEGV; "signal 64" for numbers without a name.
std::string signal_name(int signo);
// The signal signal_name() gives `name` to; nullopt for a name it never gives.
std::optional<int> signal_named(std::string_view name);

enum class ExitCode : int {
  success = 0,
  runner_error = 1,
  tests_failed = 2,
};
// 128 + signo, the shell's convention for a death by signal.
inline int exit_code_for_signal(int signo) {
  return 128 + signo;
}

// The signals that stop a run, which then ends its tests, reports them and cleans up: SIGINT
// (Ctrl-C), SIGTERM, and SIGHUP (the terminal or the ssh session was closed). The runner blocks
// them before it starts its first child and reads them from a signalfd.
sigset_t stop_signals();
// The first of them pending for the calling thread (in that order), or 0.
int pending_stop_signal();

} // namespace ginsttest::core
