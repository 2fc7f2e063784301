#include "report/console.hpp"

#include "report/escape.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace ginsttest::report {
namespace {

constexpr const char* green = "32";
constexpr const char* red = "31";
constexpr const char* yellow = "33";

// A line of a test's output as shown: a carriage return ending it (a CRLF line end) is dropped,
// one anywhere else would overprint our lines and is shown escaped like any control character.
std::string shown_output_line(std::string_view line) {
  if (line.ends_with('\r')) {
    line.remove_suffix(1);
  }
  return terminal_line(line);
}

// `line` cut to at most `width` bytes, "..." ending it when cut, never inside a UTF-8 sequence.
std::string cut_to_width(std::string line, std::size_t width) {
  if (line.size() <= width) {
    return line;
  }
  std::size_t end = width - 3;
  while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xc0) == 0x80) {
    end--; // a continuation byte: the character starts before
  }
  line.resize(end);
  return line + "...";
}

// A size as people read it: "812 bytes", "4.2 kB", "2.1 MB", "1.3 GB".
std::string size_text(std::uint64_t bytes) {
  if (bytes < 1000) {
    return fmt::format("{} bytes", bytes);
  }
  double size = static_cast<double>(bytes) / 1000;
  const char* unit = "kB";
  for (const char* larger : {"MB", "GB", "TB"}) {
    if (size < 999.95) { // else it would show as "1000.0"
      break;
    }
    size /= 1000;
    unit = larger;
  }
  return fmt::format("{:.1f} {}", size, unit);
}

// The line before a backtrace's text: whose stacks, when and how they were had.
std::string backtrace_heading(std::string_view name, const core::Backtrace& backtrace) {
  const double took = std::chrono::duration<double>(backtrace.took).count();
  switch (backtrace.source) {
  case core::BacktraceSource::timeout:
    return fmt::format("Stacks of {}'s processes when it timed out (captured in {:.2f} s):", name,
                       took);
  case core::BacktraceSource::interrupt:
    return fmt::format(
        "Stacks of {}'s processes when the run was interrupted (captured in {:.2f} s):", name,
        took);
  case core::BacktraceSource::core:
    break;
  }
  return fmt::format(
      "Backtrace of {} from its core ({}, {}):", name, size_text(backtrace.core_bytes),
      backtrace.core_file ? "kept as " + backtrace.core_file->string() : std::string{"not kept"});
}

} // namespace

std::string summary_line(const core::RunSummary& summary) {
  auto line =
      fmt::format("SUMMARY{}: total={}; passed={}; skipped={}; failed={}; flaky={}; user={:.1f}s; "
                  "system={:.1f}s; maxrss={}",
                  summary.complete() ? "" : " (incomplete)", summary.total, summary.passed,
                  summary.skipped, summary.failed, summary.flaky, summary.user_seconds,
                  summary.system_seconds, summary.maxrss_kb);
  if (const auto& baseline = summary.baseline) {
    line += fmt::format("; regressions={}; known={}; fixed={}", baseline->regressions,
                        baseline->known_failures, baseline->fixed);
  }
  return line;
}

std::string result_line(const core::TestSpec& spec, const core::TestResult& result) {
  // gdtr's word for the group; a flaky pass says so.
  const std::string_view word = result.outcome == core::Outcome::flaky
                                    ? core::label(result.outcome)
                                    : core::label(core::group(result.outcome));
  std::string line = result.reason.empty()
                         ? fmt::format("{}: {}", word, spec.name)
                         : fmt::format("{}: {} ({})", word, spec.name, result.reason);
  if (result.baseline) {
    switch (result.baseline->comparison) {
    case core::Comparison::regression:
      line += " (regression)";
      break;
    case core::Comparison::known_failure:
      line += " (known failure)";
      break;
    case core::Comparison::fixed:
      line += " (fixed)";
      break;
    case core::Comparison::unchanged:
      break;
    }
  }
  return line;
}

std::string Console::paint(std::string_view text, const char* sgr) const {
  if (!m_options.colour) {
    return std::string{text};
  }
  return fmt::format("\x1b[{}m{}\x1b[0m", sgr, text);
}

void Console::clear_progress() {
  if (m_progress_shown) {
    std::fputs("\r\x1b[K", m_options.out);
    m_progress_shown = false;
  }
}

void Console::draw_progress() {
  if (!m_options.progress || m_running.empty()) {
    std::fflush(m_options.out);
    return;
  }
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - m_start)
          .count();
  std::string line = fmt::format("[{}/{} {}:{:02}] ", m_done, m_total, elapsed / 60, elapsed % 60);
  for (std::size_t i = 0; i < m_running.size(); i++) {
    line += (i ? ", " : "") + m_running[i].shown;
  }
  line = cut_to_width(std::move(line), static_cast<std::size_t>(std::max(10, m_options.width - 1)));
  std::fputs(line.c_str(), m_options.out);
  m_progress_shown = true;
  std::fflush(m_options.out);
}

void Console::print_line(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), m_options.out);
  std::fputc('\n', m_options.out);
}

void Console::run_started(const RunInfo& info) {
  m_total = info.total;
  m_start = std::chrono::steady_clock::now();
  if (info.seed && !m_options.quiet) {
    print_line(info.longest_first
                   ? fmt::format("Longest first from the history; tests it does not know first, "
                                 "shuffled with seed {} (repeat it with --order=longest --seed={})",
                                 *info.seed, *info.seed)
                   : fmt::format("Random order, seed {} (repeat it with --seed={})", *info.seed,
                                 *info.seed));
  }
  draw_progress();
}

void Console::test_started(const core::TestSpec& spec) {
  clear_progress();
  const std::string name = terminal_line(spec.name);
  m_running.push_back(Running{spec.name, name});
  if (!m_options.quiet) {
    print_line(fmt::format("Running test: {}", name));
    if (!spec.selected_because.empty()) {
      print_line("    " + terminal_line(spec.selected_because));
    }
  }
  draw_progress();
}

void Console::test_progress(const core::TestSpec& spec, std::size_t points,
                            std::optional<std::uint64_t> planned) {
  for (auto& entry : m_running) {
    if (entry.name == spec.name) {
      const std::string name = terminal_line(spec.name);
      entry.shown = planned ? fmt::format("{} ({}/{})", name, points, *planned)
                            : fmt::format("{} ({})", name, points);
    }
  }
  if (m_options.progress) {
    clear_progress();
    draw_progress();
  }
}

void Console::test_finished(const core::TestSpec& spec, const core::TestResult& result) {
  clear_progress();
  m_done++;
  if (m_options.slowest > 0) {
    // Kept sorted and cut to --slowest: a few entries, whatever the number of tests.
    const auto entry = std::pair{result.duration, terminal_line(spec.name)};
    const auto at =
        std::upper_bound(m_slowest.begin(), m_slowest.end(), entry,
                         [](const auto& a, const auto& b) { return a.first > b.first; });
    m_slowest.insert(at, entry);
    if (m_slowest.size() > m_options.slowest) {
      m_slowest.pop_back();
    }
  }
  std::erase_if(m_running, [&](const Running& entry) { return entry.name == spec.name; });
  const bool failed = core::is_failure(result.outcome);
  // The name, and a reason that may quote the test (a TAP point, "Bail out!"), shown safely.
  const std::string line = terminal_line(result_line(spec, result));
  if (failed) {
    const bool regression =
        result.baseline && result.baseline->comparison == core::Comparison::regression;
    // With a baseline, the recap lists the regressions first: they are what fails the run.
    m_failures.insert(regression ? m_failures.begin() + static_cast<std::ptrdiff_t>(m_regressions)
                                 : m_failures.end(),
                      line);
    m_regressions += regression ? 1 : 0;
  } else if (result.outcome == core::Outcome::flaky) {
    m_flaky.push_back(line);
  }
  if (!failed && m_options.quiet) {
    draw_progress();
    return;
  }
  const auto colon = line.find(':');
  const auto group = core::group(result.outcome);
  const char* colour = group == core::Group::failed    ? red
                       : group == core::Group::skipped ? yellow
                                                       : green;
  print_line(paint(std::string_view{line}.substr(0, colon), colour) + line.substr(colon));
  for (const auto& note : result.notes) {
    print_line(fmt::format("  note: {}", terminal_line(note)));
  }
  // The failed test points of a TAP test, each on its line (the reason names only a few).
  constexpr std::size_t max_listed = 20;
  std::size_t listed = 0;
  for (const auto& subtest : result.subtests) {
    if (subtest.outcome != core::SubtestOutcome::fail) {
      continue;
    }
    if (++listed > max_listed) {
      print_line("  not ok: ...");
      break;
    }
    print_line(fmt::format("  not ok: {}", terminal_line(subtest.name)));
  }
  print_backtrace(spec, result);
  if (failed) {
    print_output_tail(result);
  }
  draw_progress();
}

void Console::print_backtrace(const core::TestSpec& spec, const core::TestResult& result) {
  if (!result.backtrace) {
    return;
  }
  // Function and file names come from the test's ELF files: shown escaped, as its output is.
  print_line("  " + terminal_line(backtrace_heading(spec.name, *result.backtrace)));
  util::for_each_line(core::to_text(*result.backtrace),
                      [&](std::string_view line) { print_line("  " + terminal_line(line)); });
}

void Console::print_output_tail(const core::TestResult& result) {
  if (m_options.output_lines == 0 || result.output_tail.empty()) {
    return;
  }
  // Show the last output_lines lines of what the runner kept.
  const std::string_view tail = util::last_lines(result.output_tail, m_options.output_lines);
  if (tail.size() < result.output_bytes) {
    // Not prefixed with "  | ": this line is ours, not the test's.
    std::string log;
    if (result.log_file) {
      log = fmt::format(", {} in {}", result.log_incomplete ? "only the start" : "whole",
                        terminal_line(result.log_file->string()));
    }
    print_line(fmt::format("  (output cut to its last lines; {} bytes in all{})",
                           result.output_bytes, log));
  }
  util::for_each_line(tail,
                      [&](std::string_view line) { print_line("  | " + shown_output_line(line)); });
}

void Console::test_rerun(const core::TestSpec& spec, const core::TestResult& run) {
  // A run that passed says nothing (--repeat): the final line counts them all.
  if (!core::is_failure(run.outcome)) {
    return;
  }
  clear_progress();
  // Not gdtr's FAIL word: scripts that count FAIL lines count the test once, at its end.
  print_line(paint("RERUN", yellow) +
             terminal_line(fmt::format(": {} (run {}: {})", spec.name, run.runs, run.reason)));
  print_backtrace(spec, run);
  print_output_tail(run);
  draw_progress();
}

void Console::print_slowest() {
  if (m_slowest.empty()) {
    return;
  }
  print_line(fmt::format("Slowest {} test{}:", m_slowest.size(), m_slowest.size() == 1 ? "" : "s"));
  for (const auto& [took, name] : m_slowest) {
    print_line(fmt::format("  {:8.3f} s  {}", std::chrono::duration<double>(took).count(), name));
  }
}

void Console::killing_tests(int signo) {
  clear_progress();
  // Also with --quiet: it says why the tests end at once and what they may not have cleaned.
  print_line(fmt::format("Interrupted again by {}: killing the remaining tests",
                         core::signal_name(signo)));
  draw_progress();
}

void Console::run_finished(const core::RunSummary& summary) {
  clear_progress();
  print_line(summary_line(summary));
  for (const auto& failure : m_failures) {
    print_line(failure);
  }
  // Under --repeat a flaky test fails the run: it is recapped with the failures.
  if (summary.flaky_fails) {
    for (const auto& flaky : m_flaky) {
      print_line(flaky);
    }
  }
  print_slowest();
  std::fflush(m_options.out);
}

} // namespace ginsttest::report
