// Made-up results of tests that ran more than once (--retry, --repeat) or left a backtrace, for
// the reporters' unit tests, and a way to read what a reporter wrote to a FILE.
#pragma once

#include "core/test_result.hpp"
#include "core/test_spec.hpp"

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

namespace ginsttest::testing {

// "grp/flaky.test": failed its first run (exit status 1, with output and a log), passed its
// second, and its log names that run.
inline core::TestResult flaky_result() {
  core::TestResult result;
  result.outcome = core::Outcome::flaky;
  result.reason = "failed 1 of 2 runs, first: exited with status 1";
  result.exit_status = 0;
  result.duration = std::chrono::milliseconds{20};
  result.log_file = "/logs/grp_flaky.test@2.txt";
  result.runs = 2;
  core::FailedRun first;
  first.run = 1;
  first.outcome = core::Outcome::fail;
  first.reason = "exited with status 1";
  first.duration = std::chrono::milliseconds{30};
  first.output_tail = "first run <broken>\n";
  first.log_file = "/logs/grp_flaky.test.txt";
  result.failed_runs.push_back(first);
  return result;
}

// "grp/broken.test": failed all 3 of its runs, the second by a timeout; the result's own fields
// are the third's.
inline core::TestResult failed_every_run_result() {
  core::TestResult result;
  result.outcome = core::Outcome::fail;
  result.reason = "exited with status 2 (every one of 3 runs failed)";
  result.exit_status = 2;
  result.duration = std::chrono::milliseconds{10};
  result.output_tail = "third run\n";
  result.log_file = "/logs/grp_broken.test@3.txt";
  result.runs = 3;
  for (unsigned run = 1; run <= 3; run++) {
    core::FailedRun failed;
    failed.run = run;
    failed.outcome = run == 2 ? core::Outcome::timeout : core::Outcome::fail;
    failed.reason = run == 2 ? "timed out after 1 s" : "exited with status 2";
    failed.output_tail = run == 2 ? "second run\n" : run == 1 ? "first run\n" : "third run\n";
    failed.log_file = run == 1 ? "/logs/grp_broken.test.txt"
                               : "/logs/grp_broken.test@" + std::to_string(run) + ".txt";
    result.failed_runs.push_back(failed);
  }
  return result;
}

// The backtrace of "grp/crash.test", read from its core: two processes (a real core has one;
// two show how the reporters lay several out). The helper, 4241, first in the list, has one
// thread and an error; in the test's own process, 4242, the second thread crashed, in a
// function whose name holds an ESC (a test controls the names in its ELF files), called from
// a frame without a function.
inline core::Backtrace crash_backtrace() {
  using core::Frame;
  core::Backtrace backtrace;
  backtrace.source = core::BacktraceSource::core;
  backtrace.took = std::chrono::milliseconds{250};
  backtrace.core_file = "/reports/grp_crash.test/core";
  backtrace.core_bytes = 2'150'000;
  core::ProcessStacks helper;
  helper.pid = 4241;
  helper.command = "/usr/libexec/grp/helper --serve";
  helper.error = "thread 4244 vanished";
  helper.threads.push_back(
      {4241, "helper", false, {Frame{0x7f0a2c3e9dd0, "poll", "", 0, "/lib/libc.so.6"}}, false});
  core::ProcessStacks test;
  test.pid = 4242;
  test.command = "/usr/libexec/grp/crash";
  test.threads.push_back({4242,
                          "crash",
                          false,
                          {Frame{0x55d0c0de1000, "wait_for_worker", "crash.c", 20, "/grp/crash"},
                           Frame{0x55d0c0de1100, "main", "crash.c", 30, "/grp/crash"}},
                          false});
  test.threads.push_back({4243,
                          "worker",
                          true,
                          {Frame{0x55d0c0de2000, "explode\x1b[2J", "crash.c", 7, "/grp/crash"},
                           Frame{0x7f0a2c3e0abc, "", "", 0, "/lib/libc.so.6"}},
                          true});
  backtrace.processes = {helper, test};
  return backtrace;
}

// "grp/crash.test": killed by SIGSEGV, with crash_backtrace().
inline core::TestResult crashed_result() {
  core::TestResult result;
  result.outcome = core::Outcome::fail;
  result.reason = "killed by SIGSEGV";
  result.signal = SIGSEGV;
  result.duration = std::chrono::milliseconds{40};
  result.output_tail = "working\n";
  result.output_bytes = 8;
  result.log_file = "/logs/grp_crash.test.txt";
  result.backtrace = crash_backtrace();
  return result;
}

inline core::TestSpec spec_named(std::string name) {
  core::TestSpec spec;
  spec.name = std::move(name);
  spec.file = "/usr/share/installed-tests/" + spec.name;
  return spec;
}

// What `write` wrote to the FILE it was given.
inline std::string written(const std::function<void(std::FILE*)>& write) {
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* out = ::open_memstream(&text, &size);
  if (!out) {
    return {};
  }
  write(out);
  std::fclose(out);
  std::string result{text, size};
  std::free(text);
  return result;
}

} // namespace ginsttest::testing
