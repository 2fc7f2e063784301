// --tap: one TAP document for the whole run, one test point per installed test. The version
// line says 13, which both Perl's TAP::Parser and TAP 14 parsers accept.
#pragma once

#include "report/reporter.hpp"

#include <cstdio>
#include <string>
#include <string_view>

namespace ginsttest::report {

class Tap final : public Reporter {
public:
  explicit Tap(std::FILE* out) : m_out(out) {}

  void run_started(const RunInfo& info) override;
  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override;
  void run_finished(const core::RunSummary& summary) override;

private:
  std::FILE* m_out;
  std::size_t m_total = 0;
  std::size_t m_number = 0;
};

// A test point description: '#' and '\' escaped as TAP 14 asks, newlines flattened.
std::string tap_escape(std::string_view text);

// A YAML double-quoted scalar for `text`.
std::string yaml_quote(std::string_view text);

} // namespace ginsttest::report
