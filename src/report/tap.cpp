#include "report/tap.hpp"

#include <fmt/format.h>

namespace ginsttest::report {

std::string tap_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '#' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n' || c == '\r') {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string yaml_quote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20 || c == 0x7f) {
        out += fmt::format("\\x{:02x}", c);
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
  }
  out.push_back('"');
  return out;
}

void Tap::run_started(const RunInfo& info) {
  m_total = info.total;
  // Version 13: Perl's TAP::Parser (prove) rejects 14, and 14 parsers read 13.
  std::fputs("TAP version 13\n", m_out);
  if (info.total == 0) {
    std::fputs("1..0 # SKIP no tests selected\n", m_out);
  } else {
    fmt::print(m_out, "1..{}\n", info.total);
  }
  if (info.seed) {
    fmt::print(m_out, "# random order, seed {}\n", *info.seed);
  }
  std::fflush(m_out);
}

void Tap::test_finished(const core::TestSpec& spec, const core::TestResult& result) {
  m_number++;
  const auto name = tap_escape(spec.name);
  if (result.outcome == core::Outcome::skip) {
    fmt::print(m_out, "ok {} - {} # SKIP {}\n", m_number, name, tap_escape(result.reason));
  } else if (!core::is_failure(result.outcome)) {
    fmt::print(m_out, "ok {} - {}\n", m_number, name);
  } else {
    fmt::print(m_out, "not ok {} - {}\n", m_number, name);
    fmt::print(m_out, "  ---\n  outcome: {}\n  reason: {}\n", core::label(result.outcome),
               yaml_quote(result.reason));
    if (result.exit_status) {
      fmt::print(m_out, "  exit_status: {}\n", *result.exit_status);
    }
    if (result.signal) {
      fmt::print(m_out, "  signal: {}\n", core::signal_name(*result.signal));
    }
    fmt::print(m_out, "  duration_ms: {}\n  ...\n",
               std::chrono::duration_cast<std::chrono::milliseconds>(result.duration).count());
  }
  std::fflush(m_out);
}

void Tap::run_finished(const core::RunSummary& summary) {
  if (summary.interrupted_by && m_number < m_total) {
    fmt::print(m_out, "Bail out! interrupted by {}\n", core::signal_name(*summary.interrupted_by));
  }
  std::fflush(m_out);
}

} // namespace ginsttest::report
