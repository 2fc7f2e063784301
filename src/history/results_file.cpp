#include "history/results_file.hpp"

#include "core/outcome.hpp"
#include "util/glib_ptr.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>
#include <json-glib/json-glib.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <ctime>
#include <fstream>
#include <limits>

namespace ginsttest::history {
namespace {

using Clock = std::chrono::system_clock;

// What the runner's utc_timestamp() writes, "2026-11-22T09:01:22.123Z", read back; nullopt for
// anything else, an impossible date included.
std::optional<Clock::time_point> parse_utc(std::string_view text) {
  constexpr std::string_view shape = "0000-00-00T00:00:00.000Z";
  if (text.size() != shape.size()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < shape.size(); i++) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (shape[i] == '0' ? !digit : text[i] != shape[i]) {
      return std::nullopt;
    }
  }
  const auto field = [&](std::size_t at, std::size_t length) {
    int value = 0;
    std::from_chars(text.data() + at, text.data() + at + length, value);
    return value;
  };
  std::tm utc{};
  utc.tm_year = field(0, 4) - 1900;
  utc.tm_mon = field(5, 2) - 1;
  utc.tm_mday = field(8, 2);
  utc.tm_hour = field(11, 2);
  utc.tm_min = field(14, 2);
  utc.tm_sec = field(17, 2);
  const std::tm asked = utc;
  const std::time_t seconds = ::timegm(&utc);
  // timegm() normalises what is out of range (February 30th): such a time was never written.
  if (utc.tm_year != asked.tm_year || utc.tm_mon != asked.tm_mon || utc.tm_mday != asked.tm_mday ||
      utc.tm_hour != asked.tm_hour || utc.tm_min != asked.tm_min || utc.tm_sec != asked.tm_sec) {
    return std::nullopt;
  }
  return Clock::from_time_t(seconds) + std::chrono::milliseconds{field(20, 3)};
}

// A missing member and a null one are alike: the run had nothing to say there.
bool absent(JsonNode* node) {
  return node == nullptr || JSON_NODE_HOLDS_NULL(node);
}

bool holds_value_of(JsonNode* node, GType type) {
  return JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == type;
}

// Reads the members of one JSON object with their types checked. The first member that is not
// what it must be becomes the error, which `owner` ("test a/b.test: ") starts; every read after
// it gives the default.
class Members {
public:
  Members(JsonObject* object, std::string owner, std::optional<std::string>& error)
      : m_object(object), m_owner(std::move(owner)), m_error(error) {}

  // The members of `object`, found in this one: its errors start with this one's owner, then
  // `owner`.
  Members nested(JsonObject* object, std::string_view owner) const {
    return Members{object, m_owner + std::string{owner}, m_error};
  }

  std::optional<std::string> string(const char* key) {
    JsonNode* node = get(key);
    if (!node) {
      return std::nullopt;
    }
    if (!holds_value_of(node, G_TYPE_STRING)) {
      return wrong(key, "a string");
    }
    return std::string{json_node_get_string(node)};
  }
  std::string text(const char* key) { return string(key).value_or(""); }

  std::optional<std::filesystem::path> path(const char* key) {
    auto value = string(key);
    if (!value) {
      return std::nullopt;
    }
    return std::filesystem::path{std::move(*value)};
  }

  // A whole number from `min` up, that T holds.
  template <typename T> std::optional<T> whole(const char* key, T min) {
    JsonNode* node = get(key);
    if (!node) {
      return std::nullopt;
    }
    const auto value = holds_value_of(node, G_TYPE_INT64) ? json_node_get_int(node) : -1;
    if (value < static_cast<std::int64_t>(min) ||
        static_cast<std::uint64_t>(value) >
            static_cast<std::uint64_t>(std::numeric_limits<T>::max())) {
      return wrong(key, fmt::format("a whole number from {} up", min));
    }
    return static_cast<T>(value);
  }

  // A number of seconds (0 or more, with or without decimals).
  std::optional<double> seconds(const char* key) {
    JsonNode* node = get(key);
    if (!node) {
      return std::nullopt;
    }
    double value = -1;
    if (holds_value_of(node, G_TYPE_DOUBLE)) {
      value = json_node_get_double(node);
    } else if (holds_value_of(node, G_TYPE_INT64)) {
      value = static_cast<double>(json_node_get_int(node));
    }
    if (!(value >= 0) || !std::isfinite(value)) {
      return wrong(key, "a number of seconds");
    }
    return value;
  }

  std::chrono::nanoseconds duration(const char* key) {
    const auto value = seconds(key);
    return std::chrono::nanoseconds{value ? std::llround(*value * 1e9) : 0};
  }

  std::optional<bool> boolean(const char* key) {
    JsonNode* node = get(key);
    if (!node) {
      return std::nullopt;
    }
    if (!holds_value_of(node, G_TYPE_BOOLEAN)) {
      return wrong(key, "true or false");
    }
    return json_node_get_boolean(node) != FALSE;
  }

  JsonArray* array(const char* key) {
    JsonNode* node = get(key);
    if (!node) {
      return nullptr;
    }
    if (!JSON_NODE_HOLDS_ARRAY(node)) {
      return wrong(key, "an array"), nullptr;
    }
    return json_node_get_array(node);
  }

  JsonObject* object(const char* key) {
    JsonNode* node = get(key);
    if (!node) {
      return nullptr;
    }
    if (!JSON_NODE_HOLDS_OBJECT(node)) {
      return wrong(key, "an object"), nullptr;
    }
    return json_node_get_object(node);
  }

  // The value of member `key` as `lookup` (core::outcome_named...) reads its name; a name it
  // does not know is an error.
  template <typename Lookup>
  auto named(const char* key, Lookup&& lookup, std::string_view expected)
      -> decltype(lookup(std::string_view{})) {
    const auto value = string(key);
    if (!value) {
      return std::nullopt;
    }
    auto found = lookup(*value);
    if (!found) {
      fail(fmt::format("\"{}\" is not {}: {}", key, expected, *value));
    }
    return found;
  }

  // The objects of array member `key`, each read by `read` with its number (from 1).
  template <typename Read> void each_object(const char* key, std::string_view what, Read&& read) {
    JsonArray* items = array(key);
    for (guint i = 0; items && i < json_array_get_length(items) && !m_error; i++) {
      JsonNode* item = json_array_get_element(items, i);
      if (!JSON_NODE_HOLDS_OBJECT(item)) {
        fail(fmt::format("\"{}\" item {} is not an object", key, i + 1));
        return;
      }
      auto members = nested(json_node_get_object(item), fmt::format("{} {}: ", what, i + 1));
      read(members);
    }
  }

  void fail(std::string what) {
    if (!m_error) {
      m_error = m_owner + what;
    }
  }

private:
  // The member, or nullptr when it is absent or an error was already found.
  JsonNode* get(const char* key) const {
    JsonNode* node = m_error ? nullptr : json_object_get_member(m_object, key);
    return absent(node) ? nullptr : node;
  }

  std::nullopt_t wrong(const char* key, std::string_view expected) {
    fail(fmt::format("\"{}\" is not {}", key, expected));
    return std::nullopt;
  }

  JsonObject* m_object;
  std::string m_owner;
  std::optional<std::string>& m_error;
};

std::optional<core::TestType> type_named(std::string_view name) {
  if (name == "session") {
    return core::TestType::session;
  }
  if (name == "session-exclusive") {
    return core::TestType::session_exclusive;
  }
  return std::nullopt;
}

core::SubtestResult read_subtest(Members& m) {
  core::SubtestResult subtest;
  subtest.name = m.text("name");
  subtest.outcome = m.named("outcome", core::subtest_outcome_named, "a test point outcome")
                        .value_or(subtest.outcome);
  subtest.reason = m.text("reason");
  subtest.duration = m.duration("duration");
  return subtest;
}

core::FailedRun read_failed_run(Members& m) {
  core::FailedRun run;
  run.run = m.whole<unsigned>("run", 1).value_or(run.run);
  run.outcome = m.named("outcome", core::outcome_named, "an outcome").value_or(run.outcome);
  run.reason = m.text("reason");
  run.duration = m.duration("duration");
  run.log_file = m.path("log");
  run.kept_dir = m.path("kept_dir");
  run.output_tail = m.text("output_tail");
  return run;
}

std::optional<core::BacktraceSource> backtrace_source_named(std::string_view name) {
  for (const auto source : {core::BacktraceSource::timeout, core::BacktraceSource::interrupt,
                            core::BacktraceSource::core}) {
    if (core::name(source) == name) {
      return source;
    }
  }
  return std::nullopt;
}

// A frame's address as the runner writes it, "0x7f0a2c3e9dd0"; nullopt for anything else.
std::optional<std::uint64_t> address_named(std::string_view text) {
  if (!text.starts_with("0x") || text.size() == 2) {
    return std::nullopt;
  }
  std::uint64_t address = 0;
  const char* end = text.data() + text.size();
  const auto [at, ec] = std::from_chars(text.data() + 2, end, address, 16);
  if (ec != std::errc{} || at != end) {
    return std::nullopt;
  }
  return address;
}

core::Frame read_frame(Members& m) {
  core::Frame frame;
  frame.address =
      m.named("address", address_named, "an address such as 0x7f0a2c3e9dd0").value_or(0);
  frame.function = m.text("function");
  frame.file = m.text("file");
  frame.line = m.whole<unsigned>("line", 0).value_or(0);
  frame.module = m.text("module");
  return frame;
}

core::ThreadStack read_thread(Members& m) {
  core::ThreadStack thread;
  thread.tid = m.whole<pid_t>("tid", 0).value_or(0);
  thread.name = m.text("name");
  thread.crashed = m.boolean("crashed").value_or(false);
  thread.frames_cut = m.boolean("frames_cut").value_or(false);
  m.each_object("frames", "frame",
                [&](Members& frame) { thread.frames.push_back(read_frame(frame)); });
  return thread;
}

core::ProcessStacks read_process(Members& m) {
  core::ProcessStacks process;
  process.pid = m.whole<pid_t>("pid", 0).value_or(0);
  process.command = m.text("command");
  process.error = m.text("error");
  m.each_object("threads", "thread",
                [&](Members& thread) { process.threads.push_back(read_thread(thread)); });
  return process;
}

core::Backtrace read_backtrace(Members& m) {
  core::Backtrace backtrace;
  backtrace.source = m.named("source", backtrace_source_named, "timeout, interrupt or core")
                         .value_or(backtrace.source);
  backtrace.took = std::chrono::milliseconds{m.whole<std::int64_t>("took_ms", 0).value_or(0)};
  backtrace.core_file = m.path("core_file");
  backtrace.core_bytes = m.whole<std::uint64_t>("core_bytes", 0).value_or(0);
  m.each_object("processes", "process",
                [&](Members& process) { backtrace.processes.push_back(read_process(process)); });
  return backtrace;
}

// {"outcome":"fail","comparison":"known-failure"}: "outcome" null when the baseline did not
// have the test.
core::BaselineComparison read_baseline(Members& m) {
  core::BaselineComparison baseline;
  baseline.before = m.named("outcome", core::outcome_named, "an outcome");
  baseline.comparison =
      m.named("comparison", core::comparison_named, "a comparison").value_or(baseline.comparison);
  return baseline;
}

TestRecord read_test(Members& m, const std::string& name, core::Outcome outcome) {
  TestRecord record;
  auto& spec = record.spec;
  auto& result = record.result;
  spec.name = name;
  spec.file = m.path("file").value_or("");
  spec.root = m.path("root").value_or("");
  spec.type = m.named("type", type_named, "session or session-exclusive").value_or(spec.type);
  result.outcome = outcome;
  result.reason = m.text("reason");
  result.exit_status = m.whole<int>("exit_status", 0);
  result.signal = m.named("signal", core::signal_named, "a signal's name");
  if (const auto started = m.string("started")) {
    const auto when = parse_utc(*started);
    if (!when) {
      m.fail(fmt::format("\"started\" is not a UTC time such as 2026-11-22T09:01:22.123Z: {}",
                         *started));
    }
    result.started = when.value_or(Clock::time_point{});
  }
  result.duration = m.duration("duration");
  m.each_object("subtests", "subtest",
                [&](Members& subtest) { result.subtests.push_back(read_subtest(subtest)); });
  result.subtests_not_kept = m.whole<std::size_t>("subtests_not_kept", 0).value_or(0);
  // The file does not say whether the test had Output=TAP: test points say it did.
  spec.output_tap = !result.subtests.empty() || result.subtests_not_kept > 0;
  result.log_file = m.path("log");
  result.kept_dir = m.path("kept_dir");
  if (JsonArray* notes = m.array("notes")) {
    for (guint i = 0; i < json_array_get_length(notes); i++) {
      JsonNode* note = json_array_get_element(notes, i);
      if (!holds_value_of(note, G_TYPE_STRING)) {
        m.fail(fmt::format("\"notes\" item {} is not a string", i + 1));
        break;
      }
      result.notes.emplace_back(json_node_get_string(note));
    }
  }
  if (JsonObject* baseline = m.object("baseline")) {
    auto members = m.nested(baseline, "baseline: ");
    result.baseline = read_baseline(members);
  }
  result.runs = m.whole<unsigned>("runs", 1).value_or(1);
  m.each_object("failed_runs", "failed run",
                [&](Members& run) { result.failed_runs.push_back(read_failed_run(run)); });
  result.output_tail = m.text("output_tail");
  result.output_bytes = m.whole<std::uint64_t>("output_bytes", 0).value_or(0);
  result.user_seconds = m.seconds("user_seconds").value_or(0);
  result.system_seconds = m.seconds("system_seconds").value_or(0);
  result.maxrss_kb = m.whole<long>("maxrss_kb", 0).value_or(0);
  if (JsonObject* backtrace = m.object("backtrace")) {
    auto members = m.nested(backtrace, "backtrace: ");
    result.backtrace = read_backtrace(members);
  }
  return record;
}

NotRunRecord read_not_run(Members& m, const std::string& name) {
  NotRunRecord record;
  record.spec.name = name;
  record.spec.file = m.path("file").value_or("");
  record.reason = m.text("reason");
  return record;
}

SummaryRecord read_summary(Members& m) {
  SummaryRecord record;
  record.complete = m.boolean("complete").value_or(true);
  // A signal this system does not know still makes the run incomplete: the caller decides.
  if (const auto signal = m.string("interrupted_by")) {
    record.interrupted_by = core::signal_named(*signal);
  }
  record.flaky_fails = m.boolean("flaky_fails").value_or(false);
  record.baseline = m.object("baseline") != nullptr;
  return record;
}

// The record one line holds, or nullopt for a line to pass over; `where` starts its errors.
util::Expected<std::optional<Record>> read_record(JsonObject* object, const std::string& where) {
  std::optional<std::string> error;
  Members top{object, "", error};
  const auto kind = top.string("record");
  if (error) {
    return util::parse_error(fmt::format("{}: {}", where, *error));
  }
  if (kind != "test" && kind != "not-run" && kind != "summary") {
    return std::optional<Record>{}; // a record of another version, or not a record at all
  }
  if (kind == "summary") {
    auto summary = read_summary(top);
    if (error) {
      return util::parse_error(fmt::format("{}: {}", where, *error));
    }
    return std::optional<Record>{std::move(summary)};
  }
  // The name, then for a test its outcome: what a record is for.
  const auto name = top.string("name");
  if (error || !name || name->empty()) {
    return util::parse_error(fmt::format("{}: a {} record without a name", where, *kind));
  }
  std::optional<Record> record;
  if (kind == "test") {
    const auto outcome_text = top.string("outcome");
    const auto outcome = outcome_text ? core::outcome_named(*outcome_text) : std::nullopt;
    if (error || !outcome) {
      return util::parse_error(fmt::format("{}: test {} has no known outcome", where, *name));
    }
    Members members{object, fmt::format("test {}: ", *name), error};
    record = read_test(members, *name, *outcome);
  } else {
    Members members{object, fmt::format("not-run test {}: ", *name), error};
    record = read_not_run(members, *name);
  }
  if (error) {
    return util::parse_error(fmt::format("{}: {}", where, *error));
  }
  return record;
}

} // namespace

util::Status read_records(const std::filesystem::path& file, std::string_view option,
                          const std::function<void(Record&& record)>& on_record) {
  std::ifstream in{file};
  if (!in) {
    return util::io_error(fmt::format("{} {}: {}", option, file.string(), util::errno_text(errno)));
  }
  util::GObjectPtr<JsonParser> parser{json_parser_new()};
  std::optional<std::size_t> summary_line;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); number++) {
    const auto where = fmt::format("{} {}:{}", option, file.string(), number);
    if (line.find_first_not_of(" \t\r") == std::string::npos) {
      continue;
    }
    util::GErrorOut parse_error;
    if (!json_parser_load_from_data(parser.get(), line.data(), static_cast<gssize>(line.size()),
                                    parse_error.out())) {
      return util::parse_error(fmt::format("{}: not JSON: {}", where, parse_error.message()));
    }
    JsonNode* root = json_parser_get_root(parser.get());
    if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
      return util::parse_error(fmt::format("{}: not a JSON object", where));
    }
    auto record = read_record(json_node_get_object(root), where);
    if (!record) {
      return util::unexpected(record.error());
    }
    if (!*record) {
      continue;
    }
    if (std::holds_alternative<SummaryRecord>(**record)) {
      if (summary_line) {
        return util::parse_error(fmt::format(
            "{}: a second summary record (the first is on line {})", where, *summary_line));
      }
      summary_line = number;
    }
    std::visit([&](auto& read) { read.line = number; }, **record);
    on_record(std::move(**record));
  }
  if (in.bad()) {
    return util::io_error(fmt::format("{} {}: {}", option, file.string(), util::errno_text(errno)));
  }
  return util::Ok{};
}

util::Expected<ResultsFile> read_results_file(const std::filesystem::path& file,
                                              std::string_view option) {
  ResultsFile results;
  results.path = file;
  auto status = read_records(file, option, [&](Record&& record) {
    if (auto* test = std::get_if<TestRecord>(&record)) {
      results.tests.push_back(std::move(*test));
    } else if (auto* not_run = std::get_if<NotRunRecord>(&record)) {
      results.not_run.push_back(std::move(*not_run));
    } else {
      results.summary = std::get<SummaryRecord>(record);
    }
  });
  if (!status) {
    return util::unexpected(status.error());
  }
  if (results.tests.empty() && results.not_run.empty() && !results.summary) {
    return util::parse_error(fmt::format(
        "{} {}: no test results in it (not a --json file of a run?)", option, file.string()));
  }
  return results;
}

} // namespace ginsttest::history
