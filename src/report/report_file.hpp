// What the file reports (--json, --junit, tmt results) share: opening their file, and writing
// times the same way.
#pragma once

#include "util/expected.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace ginsttest::report {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

// Creates or truncates `path` for writing (close-on-exec, so tests never inherit it). The error
// names `what` ("--junit") and the file.
util::Expected<FilePtr> open_report_file(const std::filesystem::path& path, std::string_view what);

// UTC to the millisecond, ISO 8601: "2026-11-22T09:01:22.123Z".
std::string utc_timestamp(std::chrono::system_clock::time_point when);

// Seconds with three decimals: "12.345".
std::string seconds_text(std::chrono::nanoseconds duration);

} // namespace ginsttest::report
