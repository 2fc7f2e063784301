// Small string helpers shared by several modules.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::util {

// Splits `text` at every `sep`, keeping empty fields.
std::vector<std::string> split(std::string_view text, char sep);

// Calls `each` with every line of `text`, without its '\n' (a final line without one counts).
template <typename Each> void for_each_line(std::string_view text, Each each) {
  while (!text.empty()) {
    const auto nl = text.find('\n');
    each(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  }
}

// The last `count` lines of `text` (a final line without '\n' counts as one); empty for 0.
std::string_view last_lines(std::string_view text, unsigned count);

// `text` read whole as a number in `base` (no sign for unsigned types, no spaces); nullopt when
// it is anything else or out of range.
template <typename Number> std::optional<Number> to_number(std::string_view text, int base = 10) {
  Number value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

// strerror() as a std::string, safe to call from several places.
std::string errno_text(int err);

} // namespace ginsttest::util
