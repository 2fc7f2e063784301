#include "report/json.hpp"

#include "core/outcome.hpp"
#include "report/escape.hpp"
#include "report/report_file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

namespace ginsttest::report {
namespace {

std::string path_or_null(const std::optional<std::filesystem::path>& path) {
  return path ? json_string(path->string()) : "null";
}

// {"outcome":"fail","comparison":"known-failure"} ("outcome" null when the baseline does not
// have the test), or null without --baseline.
std::string baseline_object(const std::optional<core::BaselineComparison>& baseline) {
  if (!baseline) {
    return "null";
  }
  return fmt::format(R"({{"outcome":{},"comparison":"{}"}})",
                     baseline->before ? fmt::format("\"{}\"", core::name(*baseline->before))
                                      : std::string{"null"},
                     core::name(baseline->comparison));
}

std::string baseline_totals(const std::optional<core::BaselineTotals>& totals) {
  if (!totals) {
    return "null";
  }
  return fmt::format(R"({{"regressions":{},"known_failures":{},"fixed":{}}})", totals->regressions,
                     totals->known_failures, totals->fixed);
}

// A JSON array of `items`, each written by `write`.
template <typename Items, typename Write> std::string array_of(const Items& items, Write write) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : ",") + write(item);
  }
  return "[" + out + "]";
}

// The runs of a test that failed, when it ran more than once.
std::string failed_runs_array(const std::vector<core::FailedRun>& runs) {
  return array_of(runs, [](const core::FailedRun& run) {
    return fmt::format(
        R"({{"run":{},"outcome":"{}","reason":{},"duration":{},"log":{},"kept_dir":{},)"
        R"("output_tail":{}}})",
        run.run, core::name(run.outcome), json_string(run.reason), seconds_text(run.duration),
        path_or_null(run.log_file), path_or_null(run.kept_dir), json_string(run.output_tail));
  });
}

// The members of a backtrace that are left out when they say nothing: `,"key":value` for a
// text that is not empty, a number that is not 0, a flag that is true; else "".
std::string text_member(std::string_view key, std::string_view text) {
  return text.empty() ? "" : fmt::format(R"(,"{}":{})", key, json_string(text));
}
std::string number_member(std::string_view key, std::uint64_t number) {
  return number == 0 ? "" : fmt::format(R"(,"{}":{})", key, number);
}
std::string flag_member(std::string_view key, bool flag) {
  return flag ? fmt::format(R"(,"{}":true)", key) : "";
}

std::string threads_array(const std::vector<core::ThreadStack>& threads) {
  return array_of(threads, [](const core::ThreadStack& thread) {
    // The address as a string: a 64-bit value does not fit the double most readers take.
    const auto frames = array_of(thread.frames, [](const core::Frame& frame) {
      return fmt::format(R"({{"address":"{:#x}"{}{}{}{}}})", frame.address,
                         text_member("function", frame.function), text_member("file", frame.file),
                         number_member("line", frame.line), text_member("module", frame.module));
    });
    return fmt::format(R"({{"tid":{}{}{}{},"frames":{}}})", thread.tid,
                       text_member("name", thread.name), flag_member("crashed", thread.crashed),
                       flag_member("frames_cut", thread.frames_cut), frames);
  });
}

// `,"backtrace":{...}` for a test that has one, else "": see ginsttest-runner(1).
std::string backtrace_member(const std::optional<core::Backtrace>& backtrace) {
  if (!backtrace) {
    return {};
  }
  const auto processes = array_of(backtrace->processes, [](const core::ProcessStacks& process) {
    return fmt::format(R"({{"pid":{}{}{},"threads":{}}})", process.pid,
                       text_member("command", process.command), text_member("error", process.error),
                       threads_array(process.threads));
  });
  const bool from_core = backtrace->source == core::BacktraceSource::core;
  return fmt::format(
      R"(,"backtrace":{{"source":"{}","took_ms":{}{}{},"processes":{}}})",
      core::name(backtrace->source), backtrace->took.count(),
      backtrace->core_file ? text_member("core_file", backtrace->core_file->string()) : "",
      from_core ? fmt::format(R"(,"core_bytes":{})", backtrace->core_bytes) : "", processes);
}

} // namespace

util::Expected<std::unique_ptr<Json>> Json::open(const std::filesystem::path& path) {
  auto file = open_report_file(path, "--json");
  if (!file) {
    return util::unexpected(file.error());
  }
  return std::unique_ptr<Json>(new Json(std::move(*file)));
}

void Json::write_line(const std::string& line) {
  // One line per record, flushed at once: a run killed later keeps what was written.
  m_out.write(line + '\n');
}

void Json::test_finished(const core::TestSpec& spec, const core::TestResult& result) {
  const auto subtests = array_of(result.subtests, [](const core::SubtestResult& subtest) {
    return fmt::format(R"({{"name":{},"outcome":"{}","reason":{},"duration":{}}})",
                       json_string(subtest.name), core::name(subtest.outcome),
                       json_string(subtest.reason), seconds_text(subtest.duration));
  });
  const auto notes =
      array_of(result.notes, [](const std::string& note) { return json_string(note); });
  write_line(fmt::format(
      R"({{"record":"test","name":{},"file":{},"root":{},"type":"{}","outcome":"{}",)"
      R"("reason":{},"exit_status":{},"signal":{},"started":"{}","duration":{},)"
      R"("subtests":{},"subtests_not_kept":{},"log":{},"kept_dir":{},"notes":{},)"
      R"("baseline":{},"runs":{},"failed_runs":{},"output_tail":{},"output_bytes":{},)"
      R"("user_seconds":{:.3f},"system_seconds":{:.3f},"maxrss_kb":{}{}}})",
      json_string(spec.name), json_string(spec.file.string()), json_string(spec.root.string()),
      spec.exclusive() ? "session-exclusive" : "session", core::name(result.outcome),
      json_string(result.reason), result.exit_status ? std::to_string(*result.exit_status) : "null",
      result.signal ? json_string(core::signal_name(*result.signal)) : "null",
      utc_timestamp(result.started), seconds_text(result.duration), subtests,
      result.subtests_not_kept, path_or_null(result.log_file), path_or_null(result.kept_dir), notes,
      baseline_object(result.baseline), result.runs, failed_runs_array(result.failed_runs),
      json_string(result.output_tail), result.output_bytes, result.user_seconds,
      result.system_seconds, result.maxrss_kb, backtrace_member(result.backtrace)));
}

void Json::test_not_run(const core::TestSpec& spec, int signo) {
  write_line(fmt::format(R"({{"record":"not-run","name":{},"file":{},"reason":{}}})",
                         json_string(spec.name), json_string(spec.file.string()),
                         json_string(core::interruption(signo))));
}

void Json::run_finished(const core::RunSummary& summary) {
  write_line(fmt::format(
      R"({{"record":"summary","complete":{},"interrupted_by":{},"total":{},"passed":{},)"
      R"("skipped":{},"failed":{},"flaky":{},"flaky_fails":{},"user_seconds":{:.3f},)"
      R"("system_seconds":{:.3f},"maxrss_kb":{},"baseline":{}}})",
      summary.complete() ? "true" : "false",
      summary.interrupted_by ? json_string(core::signal_name(*summary.interrupted_by)) : "null",
      summary.total, summary.passed, summary.skipped, summary.failed, summary.flaky,
      summary.flaky_fails ? "true" : "false", summary.user_seconds, summary.system_seconds,
      summary.maxrss_kb, baseline_totals(summary.baseline)));
}

} // namespace ginsttest::report
