// --json=FILE: JSON Lines, one object per installed test written as each one finishes, then
// one summary object. A run that is killed keeps every line written so far; an interrupted run
// ends with a summary whose "complete" is false. The format is in ginsttest-runner(1).
#pragma once

#include "report/reporter.hpp"
#include "util/expected.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace ginsttest::report {

class Json final : public Reporter {
public:
  // Creates (or truncates) `path`; the error names it.
  static util::Expected<std::unique_ptr<Json>> open(const std::filesystem::path& path);
  ~Json() override;

  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override;
  void run_finished(const core::RunSummary& summary) override;

private:
  explicit Json(std::FILE* out) : m_out(out) {}
  void write_line(const std::string& line);
  std::FILE* m_out;
};

// `text` as a JSON string, quotes included: control characters escaped, invalid UTF-8 bytes
// replaced by U+FFFD, so the line is valid JSON whatever the test printed.
std::string json_string(std::string_view text);

} // namespace ginsttest::report
