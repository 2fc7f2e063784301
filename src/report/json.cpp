#include "report/json.hpp"

#include "core/outcome.hpp"
#include "util/strings.hpp"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace ginsttest::report {
namespace {

// The length of the valid UTF-8 sequence at the start of `s`, or 0.
std::size_t utf8_sequence(std::string_view s) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char lead = byte(0);
  std::size_t length;
  unsigned min;
  unsigned code;
  if (lead < 0x80) {
    return 1;
  } else if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, min = 0x80, code = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, min = 0x800, code = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, min = 0x10000, code = lead & 0x07;
  } else {
    return 0;
  }
  if (s.size() < length) {
    return 0;
  }
  for (std::size_t i = 1; i < length; i++) {
    if ((byte(i) & 0xc0) != 0x80) {
      return 0;
    }
    code = (code << 6) | (byte(i) & 0x3f);
  }
  // No overlong forms, no surrogates, nothing past U+10FFFF.
  if (code < min || (code >= 0xd800 && code <= 0xdfff) || code > 0x10ffff) {
    return 0;
  }
  return length;
}

std::string_view outcome_name(core::Outcome outcome) {
  switch (outcome) {
  case core::Outcome::pass:
    return "pass";
  case core::Outcome::fail:
    return "fail";
  case core::Outcome::skip:
    return "skip";
  case core::Outcome::timeout:
    return "timeout";
  case core::Outcome::error:
    return "error";
  case core::Outcome::flaky:
    return "flaky";
  case core::Outcome::interrupted:
    return "interrupted";
  }
  return "error";
}

std::string_view subtest_outcome_name(core::SubtestOutcome outcome) {
  switch (outcome) {
  case core::SubtestOutcome::pass:
    return "pass";
  case core::SubtestOutcome::fail:
    return "fail";
  case core::SubtestOutcome::skip:
    return "skip";
  case core::SubtestOutcome::todo:
    return "todo";
  case core::SubtestOutcome::todo_passed:
    return "todo-passed";
  }
  return "fail";
}

std::string seconds(std::chrono::nanoseconds duration) {
  return fmt::format("{:.3f}", std::chrono::duration<double>(duration).count());
}

std::string path_or_null(const std::optional<std::filesystem::path>& path) {
  return path ? json_string(path->string()) : "null";
}

} // namespace

std::string json_string(std::string_view text) {
  std::string out = "\"";
  out.reserve(text.size() + 2);
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t length = utf8_sequence(text.substr(i));
    if (length == 0) {
      out += "\xef\xbf\xbd"; // U+FFFD for each byte that is not valid UTF-8
      i++;
      continue;
    }
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out.append(text.substr(i, length));
    }
    i += length;
  }
  out.push_back('"');
  return out;
}

util::Expected<std::unique_ptr<Json>> Json::open(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  std::FILE* out = fd >= 0 ? ::fdopen(fd, "w") : nullptr;
  if (!out) {
    const int err = errno;
    if (fd >= 0) {
      ::close(fd);
    }
    return util::unexpected(fmt::format("--json {}: {}", path.string(), util::errno_text(err)));
  }
  return std::unique_ptr<Json>(new Json(out));
}

Json::~Json() {
  std::fclose(m_out);
}

void Json::write_line(const std::string& line) {
  // One line per record, flushed at once: a run killed later keeps what was written.
  std::fputs(line.c_str(), m_out);
  std::fputc('\n', m_out);
  std::fflush(m_out);
}

void Json::test_finished(const core::TestSpec& spec, const core::TestResult& result) {
  std::string subtests;
  for (const auto& subtest : result.subtests) {
    subtests += fmt::format(R"({}{{"name":{},"outcome":"{}","reason":{},"duration":{}}})",
                            subtests.empty() ? "" : ",", json_string(subtest.name),
                            subtest_outcome_name(subtest.outcome), json_string(subtest.reason),
                            seconds(subtest.duration));
  }
  std::string notes;
  for (const auto& note : result.notes) {
    notes += (notes.empty() ? "" : ",") + json_string(note);
  }
  // UTC, to the millisecond: 2026-11-22T09:01:22.123Z
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(result.started.time_since_epoch())
          .count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  ::gmtime_r(&secs, &utc);
  const std::string started = fmt::format("{:%FT%T}.{:03}Z", utc, ms % 1000);
  write_line(fmt::format(
      R"({{"record":"test","name":{},"file":{},"root":{},"type":"{}","outcome":"{}",)"
      R"("reason":{},"exit_status":{},"signal":{},"started":"{}","duration":{},)"
      R"("subtests":[{}],"subtests_not_kept":{},"log":{},"kept_dir":{},"notes":[{}]}})",
      json_string(spec.name), json_string(spec.file.string()), json_string(spec.root.string()),
      spec.exclusive() ? "session-exclusive" : "session", outcome_name(result.outcome),
      json_string(result.reason), result.exit_status ? std::to_string(*result.exit_status) : "null",
      result.signal ? json_string(core::signal_name(*result.signal)) : "null", started,
      seconds(result.duration), subtests, result.subtests_not_kept, path_or_null(result.log_file),
      path_or_null(result.kept_dir), notes));
}

void Json::run_finished(const core::RunSummary& summary) {
  write_line(fmt::format(
      R"({{"record":"summary","complete":{},"interrupted_by":{},"total":{},"passed":{},)"
      R"("skipped":{},"failed":{},"user_seconds":{:.3f},"system_seconds":{:.3f},"maxrss_kb":{}}})",
      summary.complete() ? "true" : "false",
      summary.interrupted_by ? json_string(core::signal_name(*summary.interrupted_by)) : "null",
      summary.total, summary.passed, summary.skipped, summary.failed, summary.user_seconds,
      summary.system_seconds, summary.maxrss_kb));
}

} // namespace ginsttest::report
