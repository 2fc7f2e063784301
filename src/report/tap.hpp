// --tap: one TAP document for the whole run on stdout, one test point per installed test, the
// test points of Output=TAP tests nested under theirs as TAP 14 subtests, and a YAML block for
// each failure and each FLAKY test (an "ok" point: it passed in the end). Every test of the plan
// gets its point, also after a stop signal. A failed test's backtrace, when it has one, is in
// its YAML block, "backtrace: |" and its lines.
//
// The version line says 13: Perl's TAP::Parser (prove, autopkgtest) rejects "TAP version 14",
// while TAP 14 harnesses read 13 as 14 (the specification allows it) and TAP 13 ones skip the
// indented subtests. So prove and TAP 14 harnesses read the same stream.
#pragma once

#include "report/report_file.hpp"
#include "report/reporter.hpp"

#include <fmt/format.h>

#include <iterator>
#include <string>

#include <cstdio>

namespace ginsttest::report {

class Tap final : public Reporter {
public:
  explicit Tap(std::FILE* out) : m_out(out, "--tap: standard output") {}

  void run_started(const RunInfo& info) override;
  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override;
  void test_not_run(const core::TestSpec& spec, int signo) override;
  void run_finished(const core::RunSummary& summary) override;
  std::optional<std::string> write_error() const override { return m_out.error(); }

private:
  void write_subtests(const core::TestSpec& spec, const core::TestResult& result);
  void write_yaml(const core::TestResult& result);
  template <typename... Args> void print(fmt::format_string<Args...> format, Args&&... args) {
    fmt::format_to(std::back_inserter(m_pending), format, std::forward<Args>(args)...);
  }
  // Writes what print() gathered: one write per event, not one per line.
  void send() {
    m_out.write(m_pending);
    m_pending.clear();
  }
  std::string m_pending;
  ReportOutput m_out;
  std::size_t m_number = 0;
};

} // namespace ginsttest::report
