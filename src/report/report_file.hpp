// What the file reports (--json, --junit, tmt results) share: opening their file, and writing
// times the same way.
#pragma once

#include "util/expected.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace ginsttest::report {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// Where a report goes: a file the reporter owns, or a stream it borrows (stdout for --tap).
// Every write is flushed and checked. The first error is kept for the end of the run (a full
// disk, a closed pipe); the writes after it are dropped, and the run goes on.
class ReportOutput {
public:
  ReportOutput(FilePtr file, std::string what)
      : m_owned(std::move(file)), m_file(m_owned.get()), m_what(std::move(what)) {}
  ReportOutput(std::FILE* borrowed, std::string what) : m_file(borrowed), m_what(std::move(what)) {}

  void write(std::string_view text);
  std::FILE* file() const { return m_file; }
  // "--junit /path/r.xml: No space left on device", once something could not be written.
  const std::optional<std::string>& error() const { return m_error; }

private:
  FilePtr m_owned;
  std::FILE* m_file;
  std::string m_what;
  std::optional<std::string> m_error;
};

// Creates or truncates `path` for writing (close-on-exec, so tests never inherit it), as
// util::open_for_writing does: a FIFO, a device or a symlink there is refused, never waited on
// or followed. Its errors, and the error of opening it, name `what` ("--junit") and the file.
util::Expected<ReportOutput> open_report_file(const std::filesystem::path& path,
                                              std::string_view what);

// UTC to the millisecond, ISO 8601: "2026-11-22T09:01:22.123Z".
std::string utc_timestamp(std::chrono::system_clock::time_point when);

// Seconds with three decimals: "12.345".
std::string seconds_text(std::chrono::nanoseconds duration);

} // namespace ginsttest::report
