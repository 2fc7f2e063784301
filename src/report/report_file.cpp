#include "report/report_file.hpp"

#include "util/strings.hpp"

#include <fcntl.h>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace ginsttest::report {

util::Expected<ReportOutput> open_report_file(const std::filesystem::path& path,
                                              std::string_view what) {
  std::string label = fmt::format("{} {}", what, path.string());
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  std::FILE* file = fd >= 0 ? ::fdopen(fd, "w") : nullptr;
  if (!file) {
    const int err = errno;
    if (fd >= 0) {
      ::close(fd);
    }
    return util::io_error(fmt::format("{}: {}", label, util::errno_text(err)));
  }
  return ReportOutput{FilePtr{file}, std::move(label)};
}

void ReportOutput::write(std::string_view text) {
  if (m_error) {
    return;
  }
  if (std::fwrite(text.data(), 1, text.size(), m_file) != text.size() || std::fflush(m_file) != 0) {
    m_error = fmt::format("{}: {}", m_what, util::errno_text(errno));
  }
}

std::string utc_timestamp(std::chrono::system_clock::time_point when) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const auto secs = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  ::gmtime_r(&secs, &utc);
  return fmt::format("{:%FT%T}.{:03}Z", utc, ms % 1000);
}

std::string seconds_text(std::chrono::nanoseconds duration) {
  return fmt::format("{:.3f}", std::chrono::duration<double>(duration).count());
}

} // namespace ginsttest::report
