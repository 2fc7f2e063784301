#include "report/journal.hpp"

#include "core/outcome.hpp"
#include "report/console.hpp"
#include "report/escape.hpp"
#include "util/fd.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <glib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <syslog.h>
#include <systemd/sd-id128.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <concepts>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

namespace ginsttest::report {
namespace {

// Journal fields may be any size, but a message is read by people and kept for months: text
// that comes from outside (reasons, subtest names) is cut to these many bytes.
constexpr std::size_t max_message = 2048;
constexpr std::size_t max_value = 1024;
// A backtrace is sent whole, unless larger than this: a journal entry is meant to stay small.
constexpr std::size_t max_backtrace = 64 * 1024;
// Failed subtests get a message each, up to this many per test; the result message counts all.
constexpr std::size_t max_subtest_messages = 100;
// As often as gdtr sends its running status.
constexpr std::chrono::seconds status_interval{5};

// At most `limit` bytes of `text`, then "...". The cut falls before a UTF-8 sequence, so text
// stays text (journalctl shows a field that is not valid UTF-8 as a byte array).
std::string capped(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) {
    return std::string{text};
  }
  std::size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) {
    end--;
  }
  return std::string{text.substr(0, end)} + "...";
}

// The fields of one message, "NAME=value" each.
class Fields {
public:
  Fields(std::string_view message_id, int priority, std::string_view message) {
    add("MESSAGE_ID", message_id);
    add_number("PRIORITY", priority);
    // MESSAGE is read by people: a control character would make journalctl show "[blob data]".
    std::string text = capped(message, max_message);
    std::replace_if(
        text.begin(), text.end(),
        [](char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f; },
        '?');
    add("MESSAGE", text);
  }

  Fields& add(std::string_view name, std::string_view value) {
    m_entries.push_back(fmt::format("{}={}", name, value));
    return *this;
  }
  template <std::integral T> Fields& add_number(std::string_view name, T value) {
    return add(name, fmt::format("{}", value));
  }
  // The fields every message about one test carries.
  Fields& add_test(const core::TestSpec& spec) {
    add("GDTR_TEST", spec.name);
    return add("GINSTTEST_FILE", spec.file.string());
  }
  // The stacks of the test's (or run's) processes, when it has them.
  Fields& add_backtrace(const core::TestResult& result) {
    if (!result.backtrace) {
      return *this;
    }
    // Escaped as on the console: journalctl shows a field with a control character or a byte
    // that is not UTF-8 as "[blob data]", and a name in the stacks is the test's to choose.
    const auto text = terminal_text(core::to_text(*result.backtrace, core::whole_text));
    add("GINSTTEST_BACKTRACE", capped(text, max_backtrace));
    return add("GINSTTEST_BACKTRACE_SOURCE", core::name(result.backtrace->source));
  }

  const std::vector<std::string>& entries() const { return m_entries; }

private:
  std::vector<std::string> m_entries;
};

} // namespace

util::Status send_to_journal(const std::vector<std::string>& fields) {
  std::vector<iovec> iov;
  iov.reserve(fields.size());
  for (const auto& field : fields) {
    iov.push_back({const_cast<char*>(field.data()), field.size()});
  }
  if (const int r = sd_journal_sendv(iov.data(), static_cast<int>(iov.size())); r < 0) {
    return util::unexpected(fmt::format("cannot write to the journal: {}", util::errno_text(-r)));
  }
  return util::Ok{};
}

namespace {

long long microseconds(std::chrono::nanoseconds duration) {
  return std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
}

// gdtr's ID for the word the console prints: PASS (and FLAKY, counted as passed), SKIP, or
// FAIL for every other outcome. Tools written for gdtr see each test pass, skip or fail.
std::string_view result_id(core::Outcome outcome) {
  switch (core::group(outcome)) {
  case core::Group::passed:
    return message_id::test_passed;
  case core::Group::skipped:
    return message_id::test_skipped;
  case core::Group::failed:
    return message_id::test_failed;
  }
  return message_id::test_failed;
}

int result_priority(core::Outcome outcome) {
  switch (outcome) {
  case core::Outcome::pass:
  case core::Outcome::skip:
    return LOG_INFO;
  case core::Outcome::flaky:
    return LOG_NOTICE;
  case core::Outcome::interrupted: // the user stopped it: not the test's fault
    return LOG_WARNING;
  case core::Outcome::fail:
  case core::Outcome::timeout:
  case core::Outcome::error:
    return LOG_ERR;
  }
  return LOG_ERR;
}

// "DEV:INODE" in decimal, as systemd writes $JOURNAL_STREAM.
std::optional<std::pair<unsigned long long, unsigned long long>>
parse_journal_stream(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  const auto number = [](std::string_view digits) -> std::optional<unsigned long long> {
    unsigned long long value = 0;
    const auto end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, value);
    if (digits.empty() || ec != std::errc{} || ptr != end) {
      return std::nullopt;
    }
    return value;
  };
  const auto dev = number(text.substr(0, colon));
  const auto ino = number(text.substr(colon + 1));
  if (!dev || !ino) {
    return std::nullopt;
  }
  return std::pair{*dev, *ino};
}

// The message that comes before a test's verdict: why it timed out or could not be run.
std::optional<Fields> detail_message(const std::string& run_id, const core::TestSpec& spec,
                                     const core::TestResult& result, const std::string& reason) {
  std::optional<Fields> fields;
  if (result.outcome == core::Outcome::timeout) {
    fields.emplace(message_id::test_timed_out, LOG_WARNING,
                   fmt::format("Test {} {}", spec.name, reason));
  } else if (result.outcome == core::Outcome::error) {
    fields.emplace(message_id::test_error, LOG_ERR,
                   fmt::format("Test {} could not be run: {}", spec.name, reason));
  } else {
    return fields;
  }
  fields->add("GINSTTEST_RUN_ID", run_id).add_test(spec).add("GINSTTEST_REASON", reason);
  return fields;
}

struct SubtestCounts {
  std::size_t passed = 0, failed = 0, skipped = 0, todo = 0, todo_passed = 0;
};

// Counts a TAP test's points; a message for each failed one (the first max_subtest_messages)
// goes to `failed_points`.
SubtestCounts count_subtests(const std::string& run_id, const core::TestSpec& spec,
                             const core::TestResult& result, std::vector<Fields>& failed_points) {
  SubtestCounts counts;
  for (std::size_t i = 0; i < result.subtests.size(); i++) {
    const auto& subtest = result.subtests[i];
    switch (subtest.outcome) {
    case core::SubtestOutcome::pass:
      counts.passed++;
      break;
    case core::SubtestOutcome::skip:
      counts.skipped++;
      break;
    case core::SubtestOutcome::todo:
      counts.todo++;
      break;
    case core::SubtestOutcome::todo_passed:
      counts.todo_passed++;
      break;
    case core::SubtestOutcome::fail:
      if (++counts.failed > max_subtest_messages) {
        break;
      }
      // A point without a description is known by its place.
      const std::string name =
          capped(subtest.name.empty() ? fmt::format("point {}", i + 1) : subtest.name, max_value);
      Fields& fields =
          failed_points.emplace_back(message_id::subtest_failed, LOG_WARNING,
                                     fmt::format("Subtest of {} failed: {}", spec.name, name));
      fields.add("GINSTTEST_RUN_ID", run_id).add_test(spec).add("GINSTTEST_SUBTEST", name);
      break;
    }
  }
  return counts;
}

// The test's verdict, with everything a host may want to read by field.
Fields result_message(const std::string& run_id, const core::TestSpec& spec,
                      const core::TestResult& result, const std::string& reason,
                      const SubtestCounts& counts) {
  Fields fields{result_id(result.outcome), result_priority(result.outcome),
                result_line(spec, result)};
  fields.add("GINSTTEST_RUN_ID", run_id)
      .add_test(spec)
      .add("GINSTTEST_OUTCOME", core::label(result.outcome))
      .add_number("GINSTTEST_DURATION_USEC", microseconds(result.duration))
      .add_number("GINSTTEST_RUNS", result.runs)
      .add_number("GINSTTEST_FAILED_RUNS", result.failed_runs.size());
  if (!reason.empty()) {
    fields.add("GINSTTEST_REASON", reason);
  }
  if (result.exit_status) {
    fields.add_number("GINSTTEST_EXIT_STATUS", *result.exit_status);
  }
  if (result.signal) {
    fields.add("GINSTTEST_SIGNAL", core::signal_name(*result.signal));
  }
  if (spec.output_tap) {
    fields.add_number("GINSTTEST_SUBTESTS_PASSED", counts.passed)
        .add_number("GINSTTEST_SUBTESTS_FAILED", counts.failed)
        .add_number("GINSTTEST_SUBTESTS_SKIPPED", counts.skipped)
        .add_number("GINSTTEST_SUBTESTS_TODO", counts.todo)
        .add_number("GINSTTEST_SUBTESTS_TODO_PASSED", counts.todo_passed);
    if (result.subtests_not_kept > 0) {
      // Points past the runner's cap are counted, not told apart.
      fields.add_number("GINSTTEST_SUBTESTS_NOT_KEPT", result.subtests_not_kept);
    }
  }
  if (result.log_file) {
    fields.add("GINSTTEST_LOG", result.log_file->string());
  }
  if (result.kept_dir) {
    fields.add("GINSTTEST_KEPT_DIR", result.kept_dir->string());
  }
  if (result.leftover_processes > 0) {
    fields.add_number("GINSTTEST_LEFTOVER_PROCESSES", result.leftover_processes);
  }
  if (result.baseline) {
    fields.add("GINSTTEST_BASELINE", core::name(result.baseline->comparison));
  }
  fields.add_backtrace(result);
  return fields;
}

} // namespace

bool is_message_id(std::string_view text) {
  return text.size() == 32 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); });
}

util::Status log_with_message_id(std::string_view message_id, std::string_view message) {
  return send_to_journal(Fields{message_id, LOG_INFO, message}.entries());
}

void Journal::send(const std::vector<std::string>& fields) {
  if (m_broken) {
    return;
  }
  if (auto status = m_sink(fields); !status) {
    // Once: a journal that refuses one message will likely refuse the next thousand.
    m_broken = true;
    fmt::print(stderr, "ginsttest-runner: warning: {}; no more journal messages in this run\n",
               status.error().what);
  }
}

void Journal::maybe_send_status() {
  const auto now = std::chrono::steady_clock::now();
  if (m_running.empty() || now - m_last_status < status_interval) {
    return;
  }
  m_last_status = now;
  std::string names;
  for (const auto& name : m_running) {
    names += (names.empty() ? "" : ", ") + name;
  }
  Fields fields{message_id::running_status, LOG_INFO, "Executing: " + names};
  fields.add("GINSTTEST_RUN_ID", m_run_id)
      .add_number("GINSTTEST_TESTS_DONE", m_done)
      .add_number("GINSTTEST_TESTS_TOTAL", m_total);
  send(fields.entries());
}

void Journal::run_started(const RunInfo& info) {
  m_total = info.total;
  m_run_start = m_last_status = std::chrono::steady_clock::now();
  const std::string order =
      info.seed ? fmt::format("random order, seed {}", *info.seed) : std::string{"name order"};
  Fields fields{
      message_id::run_started, LOG_INFO,
      fmt::format("Starting {} tests, {} at a time, {}", info.total, info.parallel, order)};
  fields.add("GINSTTEST_RUN_ID", m_run_id)
      .add_number("GINSTTEST_TESTS_TOTAL", info.total)
      .add_number("GINSTTEST_PARALLEL", info.parallel);
  if (info.seed) {
    fields.add_number("GINSTTEST_SEED", *info.seed);
  }
  send(fields.entries());
}

void Journal::test_started(const core::TestSpec& spec) {
  m_running.push_back(spec.name);
  Fields fields{message_id::test_started, LOG_INFO, fmt::format("Running test: {}", spec.name)};
  fields.add("GINSTTEST_RUN_ID", m_run_id).add_test(spec);
  send(fields.entries());
  maybe_send_status();
}

void Journal::test_progress(const core::TestSpec& /*spec*/, std::size_t /*points*/,
                            std::optional<std::uint64_t> /*planned*/) {
  maybe_send_status();
}

void Journal::test_finished(const core::TestSpec& spec, const core::TestResult& result) {
  m_done++;
  if (const auto it = std::find(m_running.begin(), m_running.end(), spec.name);
      it != m_running.end()) {
    m_running.erase(it);
  }
  const std::string reason = capped(result.reason, max_value);
  // The details, before the verdict, as gdtr sends "timed out" before the test's FAIL.
  if (const auto details = detail_message(m_run_id, spec, result, reason)) {
    send(details->entries());
  }
  std::vector<Fields> failed_points;
  const SubtestCounts counts = count_subtests(m_run_id, spec, result, failed_points);
  for (const auto& message : failed_points) {
    send(message.entries());
  }
  send(result_message(m_run_id, spec, result, reason, counts).entries());
  maybe_send_status();
}

void Journal::test_rerun(const core::TestSpec& spec, const core::TestResult& run) {
  // A run that passed says nothing new: with --repeat there is one per run of every test.
  if (core::is_failed_run(run.outcome)) {
    const std::string reason = capped(run.reason, max_value);
    Fields fields{
        message_id::test_run_failed, LOG_WARNING,
        fmt::format("Run {} of {} failed: {}; running it again", run.runs, spec.name, reason)};
    fields.add("GINSTTEST_RUN_ID", m_run_id)
        .add_test(spec)
        .add_number("GINSTTEST_TEST_RUN", run.runs)
        .add("GINSTTEST_RUN_OUTCOME", core::label(run.outcome))
        .add_number("GINSTTEST_DURATION_USEC", microseconds(run.duration));
    if (!reason.empty()) {
      fields.add("GINSTTEST_REASON", reason);
    }
    if (run.exit_status) {
      fields.add_number("GINSTTEST_EXIT_STATUS", *run.exit_status);
    }
    if (run.signal) {
      fields.add("GINSTTEST_SIGNAL", core::signal_name(*run.signal));
    }
    if (run.log_file) {
      fields.add("GINSTTEST_LOG", run.log_file->string());
    }
    if (run.kept_dir) {
      fields.add("GINSTTEST_KEPT_DIR", run.kept_dir->string());
    }
    fields.add_backtrace(run);
    send(fields.entries());
  }
  maybe_send_status();
}

void Journal::test_not_run(const core::TestSpec& spec, int signo) {
  const std::string signal = core::signal_name(signo);
  Fields fields{message_id::test_not_run, LOG_WARNING,
                fmt::format("Not run: {} ({})", spec.name, core::interruption(signo))};
  fields.add("GINSTTEST_RUN_ID", m_run_id).add_test(spec).add("GINSTTEST_INTERRUPTED_BY", signal);
  send(fields.entries());
}

void Journal::run_finished(const core::RunSummary& summary) {
  // gdtr's "complete" ID even for a run cut short (its text then says "incomplete"): tools wait
  // for this message to know the run is over.
  const int priority = summary.tests_failed()                      ? LOG_ERR
                       : !summary.complete() || summary.failed > 0 ? LOG_WARNING
                                                                   : LOG_INFO;
  Fields fields{message_id::run_complete, priority, summary_line(summary)};
  fields.add("GINSTTEST_RUN_ID", m_run_id)
      .add_number("GINSTTEST_TESTS_TOTAL", summary.total)
      .add_number("GINSTTEST_TESTS_PASSED", summary.passed)
      .add_number("GINSTTEST_TESTS_SKIPPED", summary.skipped)
      .add_number("GINSTTEST_TESTS_FAILED", summary.failed)
      .add_number("GINSTTEST_TESTS_FLAKY", summary.flaky)
      .add_number("GINSTTEST_DURATION_USEC",
                  microseconds(std::chrono::steady_clock::now() - m_run_start));
  if (const auto& baseline = summary.baseline) {
    fields.add_number("GINSTTEST_REGRESSIONS", baseline->regressions)
        .add_number("GINSTTEST_KNOWN_FAILURES", baseline->known_failures)
        .add_number("GINSTTEST_FIXED", baseline->fixed);
  }
  if (summary.interrupted_by) {
    fields.add("GINSTTEST_INTERRUPTED_BY", core::signal_name(*summary.interrupted_by));
  }
  send(fields.entries());
}

std::string new_run_id() {
  sd_id128_t id;
  if (sd_id128_randomize(&id) < 0) {
    return std::string(32, '0');
  }
  char text[SD_ID128_STRING_MAX];
  return sd_id128_to_string(id, text);
}

bool journal_is_running() {
  // Connecting a datagram socket sends nothing; it fails when nobody listens (a socket left by
  // a journald that is gone).
  const util::Fd sock{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, journal_socket, sizeof address.sun_path - 1);
  return sock &&
         ::connect(sock.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
}

bool stdout_is_journal() {
  // systemd's documented test: $JOURNAL_STREAM is inherited by children whose stdout went
  // elsewhere, so it counts only when it names stdout's own device and inode.
  if (const char* stream = std::getenv("JOURNAL_STREAM")) {
    struct stat st {};
    if (const auto ids = parse_journal_stream(stream);
        ids && ::fstat(STDOUT_FILENO, &st) == 0 &&
        static_cast<unsigned long long>(st.st_dev) == ids->first &&
        static_cast<unsigned long long>(st.st_ino) == ids->second) {
      return true;
    }
  }
  // gdtr's test: a socket connected to journald sets no variable (systemd-cat).
  return g_log_writer_is_journald(STDOUT_FILENO);
}

} // namespace ginsttest::report
