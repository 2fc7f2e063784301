// --history: the run's results go to the history as they come, and the file is written once
// the run has ended.
#pragma once

#include "history/history.hpp"
#include "report/reporter.hpp"

namespace ginsttest::cli {

class HistoryRecorder final : public report::Reporter {
public:
  explicit HistoryRecorder(history::History& history) : m_history(history) {}

  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override {
    m_history.record(spec, result);
  }

private:
  history::History& m_history;
};

} // namespace ginsttest::cli
