// Messages to the systemd journal: the run's events with gnome-desktop-testing-runner's
// MESSAGE_IDs and GDTR_TEST field, plus fields and events of ours, all tied by one run id.
// The IDs and fields are listed in data/ginsttest-runner.catalog and ginsttest-runner(1).
//
// Every test that gets a verdict gets exactly one result message, with gdtr's ID for the word
// the console prints (PASS, SKIP or FAIL: a timeout, an error and an interrupted test are FAILs
// there too), so that tools reading gdtr's IDs still see every failure; GINSTTEST_OUTCOME says
// which outcome it was (FLAKY, passed in the end, gets gdtr's "passed" ID), GINSTTEST_RUNS and
// GINSTTEST_FAILED_RUNS how often it ran and failed. Details come before it with IDs of their
// own: gdtr's "timed out", and our "test error", "subtest failed" and, for each failed run that
// --retry or --repeat follows with another, "run failed". A result or "run failed" message has
// the stacks of the test's processes, when they were taken, in GINSTTEST_BACKTRACE.
#pragma once

#include "report/reporter.hpp"
#include "util/expected.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::report {

// The MESSAGE_IDs we send.
namespace message_id {
// gdtr's, with the meaning gdtr gave them.
inline constexpr std::string_view test_passed = "142bf5d40e9742e99d3ac8c1ace83b36";
inline constexpr std::string_view test_failed = "0eee66bf98514369bef9868327a43cf1";
inline constexpr std::string_view test_skipped = "ca0b037012363f1898466829ea163e7d";
inline constexpr std::string_view test_timed_out = "db8f25eab14a4da68ef3ab3ce4b2c0bb";
inline constexpr std::string_view running_status = "ed6199045dd38bb5321e551d9578f3d9";
inline constexpr std::string_view run_complete = "4d013788dd704743b826436c951e551d";
// Ours (systemd-id128 new).
inline constexpr std::string_view run_started = "28975e3bb44f426aa28d323ee4c6080e";
inline constexpr std::string_view test_started = "f57753e358094169a12183946409dd84";
inline constexpr std::string_view test_error = "2fe55a343ba446e39439a6a448fb64fa";
inline constexpr std::string_view subtest_failed = "cbe827024b024ec0abc2442f127cdbb5";
inline constexpr std::string_view test_not_run = "73fef3f7e7af4711948173d0f8dff4bf";
inline constexpr std::string_view test_run_failed = "cda2e8ebb08441458a3f6309a35189cf";
} // namespace message_id

// Sends one message, made of `fields` ("NAME=value" each), to the systemd journal.
util::Status send_to_journal(const std::vector<std::string>& fields);

// Where a Journal's messages go: send_to_journal, or a fake that keeps them.
using JournalSink = std::function<util::Status(const std::vector<std::string>& fields)>;

class Journal final : public Reporter {
public:
  // `run_id`: 32 hex digits shared by every message of this run (GINSTTEST_RUN_ID).
  explicit Journal(std::string run_id, JournalSink sink = send_to_journal)
      : m_run_id(std::move(run_id)), m_sink(std::move(sink)) {}

  void run_started(const RunInfo& info) override;
  void test_started(const core::TestSpec& spec) override;
  void test_progress(const core::TestSpec& spec, std::size_t points,
                     std::optional<std::uint64_t> planned) override;
  void test_finished(const core::TestSpec& spec, const core::TestResult& result) override;
  void test_rerun(const core::TestSpec& spec, const core::TestResult& run) override;
  void test_not_run(const core::TestSpec& spec, int signo) override;
  void run_finished(const core::RunSummary& summary) override;

private:
  // Sends one message made of `fields` ("NAME=value" each). The first failure is reported on
  // stderr and ends the logging, never the run.
  void send(const std::vector<std::string>& fields);
  // gdtr's running status ("Executing: a, b"), at most every few seconds, when an event comes.
  void maybe_send_status();

  std::string m_run_id;
  JournalSink m_sink;
  bool m_broken = false;
  std::size_t m_total = 0;
  std::size_t m_done = 0;
  std::vector<std::string> m_running; // names of the running tests, in start order
  std::chrono::steady_clock::time_point m_run_start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point m_last_status = m_run_start;
};

// A fresh random run id: 32 lower-case hex digits.
std::string new_run_id();

// Where libsystemd sends journal messages.
inline constexpr const char* journal_socket = "/run/systemd/journal/socket";

// True when a journal is running: its socket is there and takes connections.
// gnome-desktop-testing-runner logs its results then, whatever its stdout is.
bool journal_is_running();

// True when the runner's stdout is connected to the journal: $JOURNAL_STREAM names the device
// and inode of stdout, as under a systemd unit with StandardOutput=journal, or (gdtr's test,
// through GLib) stdout is a socket connected to journald, as under systemd-cat.
bool stdout_is_journal();

// Sends MESSAGE=`message` with MESSAGE_ID=`message_id` (32 hex digits) to the journal.
util::Status log_with_message_id(std::string_view message_id, std::string_view message);

// True when `text` is a valid MESSAGE_ID: 32 lower- or upper-case hex digits.
bool is_message_id(std::string_view text);

} // namespace ginsttest::report
