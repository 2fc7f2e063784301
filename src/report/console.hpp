// The human-readable console output: gdtr's lines, a failed test's backtrace (when it has one)
// and output after its FAIL line, and on a smart terminal one progress line kept at the bottom.
// Whatever comes from a test (its name, output, TAP points, notes naming its files, the
// function and file names of its backtrace) is shown through terminal_line() (see
// report/escape.hpp): a test cannot send the terminal a control sequence.
#pragma once

#include "core/defaults.hpp"

#include "report/reporter.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace ginsttest::report {

struct ConsoleOptions {
  std::FILE* out = stdout; // stderr when stdout carries --tap
  bool quiet = false;      // only failures and the summary
  bool progress = false;   // keep a progress line ("\r...\x1b[K") at the bottom
  bool colour = false;
  unsigned output_lines = core::defaults::output_lines; // tail of a failed test's output
  int width = 80;                                       // the progress line is cut to fit
  unsigned slowest = 0; // --slowest: how many of the slowest tests to list after the summary
};

class Console final : public Reporter {
public:
  explicit Console(ConsoleOptions options) : m_options(options) {}

  void run_started(const RunInfo& info) override;
  void test_started(const core::TestSpec& spec) override;
  void test_progress(const core::TestSpec& spec, std::size_t points,
                     std::optional<std::uint64_t> planned) override;
  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override;
  void test_rerun(const core::TestSpec& spec, const core::TestResult& run) override;
  void killing_tests(int signo) override;
  void run_finished(const core::RunSummary& summary) override;

private:
  void print_line(const std::string& line);
  // The stacks of the test's processes, when it has them (see core::to_text), under a line
  // saying whose and when they were taken.
  void print_backtrace(const core::TestSpec& spec, const core::TestResult& result);
  // The last lines of a failed test's (or run's) output, after its line.
  void print_output_tail(const core::TestResult& result);
  void print_slowest();
  void clear_progress();
  void draw_progress();
  std::string paint(std::string_view text, const char* sgr) const;

  ConsoleOptions m_options;
  std::size_t m_total = 0;
  std::size_t m_done = 0;
  struct Running {
    std::string name;  // as the test is named
    std::string shown; // as the progress line shows it, with " (done/planned)" for TAP tests
  };
  std::vector<Running> m_running;
  std::vector<std::string> m_failures; // "FAIL: name (reason)" as shown, repeated after the summary
  std::size_t m_regressions = 0;       // how many of them come first, as regressions
  std::vector<std::string> m_flaky;    // "FLAKY: name (reason)": with --repeat, recapped too
  // The slowest tests so far (--slowest), slowest first, and their names as shown.
  std::vector<std::pair<std::chrono::nanoseconds, std::string>> m_slowest;
  bool m_progress_shown = false;
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

// The SUMMARY line, exactly as gdtr prints it (scripts grep its fields).
std::string summary_line(const core::RunSummary& summary);

// "FAIL: name (reason)", "PASS: name", "SKIP: name (reason)": gdtr's result line.
std::string result_line(const core::TestSpec& spec, const core::TestResult& result);

} // namespace ginsttest::report
