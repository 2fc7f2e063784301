#include "runner/output_capture.hpp"

#include "util/strings.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>

namespace ginsttest::runner {

util::Status OutputCapture::add_file(const std::filesystem::path& path) {
  // Never through a symlink someone planted where the file goes.
  util::Fd fd{::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644)};
  if (!fd) {
    return util::io_error(fmt::format("{}: {}", path.string(), util::errno_text(errno)));
  }
  m_files.push_back(std::move(fd));
  return util::Ok{};
}

void OutputCapture::append(std::string_view data) {
  m_total += data.size();
  for (auto& fd : m_files) {
    (void)util::write_all(fd.get(), data); // a full disk loses log data, not the run
  }
  if (data.size() >= m_tail_bytes) {
    m_kept.assign(data.substr(data.size() - m_tail_bytes));
    m_dropped_front = m_total > m_kept.size();
    return;
  }
  m_kept.append(data);
  // Trim in bulk so that appending stays amortised O(1).
  if (m_kept.size() > 2 * m_tail_bytes) {
    m_kept.erase(0, m_kept.size() - m_tail_bytes);
    m_dropped_front = true;
  }
}

std::string OutputCapture::tail(unsigned max_lines) const {
  std::string_view kept = m_kept;
  if (m_dropped_front) {
    // The first kept line is probably cut: start at the next full one. Unless there is none (a
    // test that printed one huge line, with or without a line feed): then the end of that line
    // is all there is to show.
    const auto nl = kept.find('\n');
    if (nl != std::string_view::npos && nl + 1 < kept.size()) {
      kept.remove_prefix(nl + 1);
    }
  }
  return std::string{util::last_lines(kept, max_lines)};
}

} // namespace ginsttest::runner
