// Small string helpers shared by several modules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::util {

// Splits `text` at every `sep`, keeping empty fields.
std::vector<std::string> split(std::string_view text, char sep);

// The last `count` lines of `text` (a final line without '\n' counts as one); empty for 0.
std::string_view last_lines(std::string_view text, unsigned count);

// strerror() as a std::string, safe to call from several places.
std::string errno_text(int err);

} // namespace ginsttest::util
