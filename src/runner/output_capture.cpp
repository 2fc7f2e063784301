#include "runner/output_capture.hpp"

#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>

namespace ginsttest::runner {

util::Status OutputCapture::add_file(const std::filesystem::path& path) {
  auto file = util::create_fresh_file(path, 0644);
  if (!file) {
    return util::unexpected(file.error());
  }
  m_files.push_back(File{path, std::move(file->fd), std::move(file->replaced)});
  return util::Ok{};
}

std::vector<std::string> OutputCapture::notes(const std::filesystem::path& path,
                                              std::string_view shown_as) const {
  std::vector<std::string> out;
  for (const auto& file : m_files) {
    if (file.path != path) {
      continue;
    }
    if (!file.replaced.empty()) {
      out.push_back(fmt::format("{}: removed {} found in its place", shown_as, file.replaced));
    }
    if (file.error != 0) {
      out.push_back(fmt::format("{} is incomplete: {} (after {} bytes)", shown_as,
                                util::errno_text(file.error), file.written));
    }
  }
  return out;
}

bool OutputCapture::complete(const std::filesystem::path& path) const {
  return std::none_of(m_files.begin(), m_files.end(),
                      [&](const File& file) { return file.path == path && file.error != 0; });
}

void OutputCapture::close_files() {
  for (auto& file : m_files) {
    file.fd.reset();
  }
}

void OutputCapture::append(std::string_view data) {
  m_total += data.size();
  for (auto& file : m_files) {
    if (file.error == 0 && !util::write_all(file.fd.get(), data, file.written)) {
      file.error = errno;
    }
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
