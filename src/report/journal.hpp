// Messages to the systemd journal: the run's events with gnome-desktop-testing-runner's
// MESSAGE_IDs and GDTR_TEST field, plus fields and events of ours, all tied by one run id.
// The IDs and fields are listed in data/ginsttest-runner.catalog and ginsttest-runner(1).
#pragma once

#include "report/reporter.hpp"
#include "util/expected.hpp"

#include <string>
#include <string_view>

namespace ginsttest::report {

class Journal final : public Reporter {
public:
  // `run_id`: 32 hex digits shared by every message of this run (GINSTTEST_RUN_ID).
  explicit Journal(std::string run_id) : m_run_id(std::move(run_id)) {}

  void run_started(const RunInfo& info) override;
  void test_started(const core::TestSpec& spec) override;
  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override;
  void test_not_run(const core::TestSpec& spec, int signo) override;
  void run_finished(const core::RunSummary& summary) override;

private:
  std::string m_run_id;
};

// A fresh random run id: 32 lower-case hex digits.
std::string new_run_id();

// True when the runner's stdout is connected to the journal ($JOURNAL_STREAM names its device
// and inode), as under a systemd unit with StandardOutput=journal.
bool stdout_is_journal();

// Sends MESSAGE=`message` with MESSAGE_ID=`message_id` (32 hex digits) to the journal.
util::Status log_with_message_id(std::string_view message_id, std::string_view message);

// True when `text` is a valid MESSAGE_ID: 32 lower- or upper-case hex digits.
bool is_message_id(std::string_view text);

} // namespace ginsttest::report
