#include "report/report_file.hpp"

#include "util/file.hpp"
#include "util/strings.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cerrno>
#include <ctime>

namespace ginsttest::report {

util::Expected<ReportOutput> open_report_file(const std::filesystem::path& path,
                                              std::string_view what) {
  std::string label = fmt::format("{} {}", what, path.string());
  auto fd = util::open_for_writing(path, 0644);
  if (!fd) {
    // "--json /x/r.jsonl: No such file or directory", "--json /x/r.jsonl is a FIFO, ...".
    return util::io_error(fmt::format("{} {}", what, fd.error().what));
  }
  FilePtr file{::fdopen(fd->get(), "w")};
  if (!file) {
    return util::io_error(fmt::format("{}: {}", label, util::errno_text(errno)));
  }
  fd->release(); // the FILE closes it now
  return ReportOutput{std::move(file), std::move(label)};
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
