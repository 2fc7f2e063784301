#include "util/strings.hpp"

#include <cstring>

namespace ginsttest::util {

std::vector<std::string> split(std::string_view text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto pos = text.find(sep, start);
    if (pos == std::string_view::npos) {
      out.emplace_back(text.substr(start));
      return out;
    }
    out.emplace_back(text.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string_view last_lines(std::string_view text, unsigned count) {
  if (count == 0) {
    return {};
  }
  std::size_t start = text.size() - (!text.empty() && text.back() == '\n' ? 1 : 0);
  unsigned lines = 0;
  while (start > 0 && !(text[start - 1] == '\n' && ++lines == count)) {
    start--;
  }
  return text.substr(start);
}

std::string errno_text(int err) {
  char buf[256];
  // GNU strerror_r returns the message, which may or may not live in buf.
  return ::strerror_r(err, buf, sizeof buf);
}

} // namespace ginsttest::util
