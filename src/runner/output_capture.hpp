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

  // Also writes everything to `path`, a fresh file: whatever stood there is replaced (see
  // util::create_fresh_file), so that nothing a test planted there is written through or
  // blocks the run.
  util::Status add_file(const std::filesystem::path& path);

  // Keeps `data` and writes it to the files. A file a write failed on gets nothing more (it
  // holds exactly what came before, a full disk cuts a log, not the run), and notes() says so.
  void append(std::string_view data);

  // The last `max_lines` complete or partial lines of what is kept in memory. A line cut by the
  // limit is left out, unless it is the only one: then its end is kept.
  std::string tail(unsigned max_lines) const;

  std::uint64_t total_bytes() const { return m_total; }

  // What is worth telling about file `path` (as added), calling it `shown_as` ("log
  // /x/grp_a.test.txt"): what it replaced when that was not a regular file, and that it is
  // incomplete when a write to it failed ("log /x/a.txt is incomplete: No space left on device
  // (after 65536 bytes)").
  std::vector<std::string> notes(const std::filesystem::path& path,
                                 std::string_view shown_as) const;

  // Whether file `path` (as added) got everything so far: no write to it failed.
  bool complete(const std::filesystem::path& path) const;

  // Closes the files (the data stays on disk, and what notes() tells stays known).
  void close_files();

private:
  struct File {
    std::filesystem::path path;
    util::Fd fd;
    std::string replaced;      // see util::FreshFile
    std::uint64_t written = 0; // bytes in the file
    int error = 0;             // errno of the write that failed, if one did
  };

  std::size_t m_tail_bytes;
  std::string m_kept; // between m_tail_bytes and 2 * m_tail_bytes once full
  bool m_dropped_front = false;
  std::uint64_t m_total = 0;
  std::vector<File> m_files;
};

} // namespace ginsttest::runner
