// Where a test's output goes: optional log files, and a bounded tail kept in memory.
#pragma once

#include "util/expected.hpp"
#include "util/fd.hpp"

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::runner {

class OutputCapture {
public:
  // Keeps at most `tail_bytes` of the most recent output in memory.
  explicit OutputCapture(std::size_t tail_bytes) : m_tail_bytes(tail_bytes) {}

  // Also writes everything to `path` (created or truncated).
  util::Status add_file(const std::filesystem::path& path);

  void append(std::string_view data);

  // The last `max_lines` complete or partial lines of what is kept in memory. A line cut by the
  // limit is left out, unless it is the only one: then its end is kept.
  std::string tail(unsigned max_lines) const;

  std::uint64_t total_bytes() const { return m_total; }

  // Closes the files (the data stays on disk).
  void close_files() { m_files.clear(); }

private:
  std::size_t m_tail_bytes;
  std::string m_kept; // between m_tail_bytes and 2 * m_tail_bytes once full
  bool m_dropped_front = false;
  std::uint64_t m_total = 0;
  std::vector<util::Fd> m_files;
};

} // namespace ginsttest::runner
