// Small string helpers shared by several modules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ginsttest::util {

// Splits `text` at every `sep`, keeping empty fields.
std::vector<std::string> split(std::string_view text, char sep);

// The name with every '/' replaced by '_', as gdtr names log files ("glib/a.test" ->
// "glib_a.test").
std::string squash_name(std::string_view name);

// strerror() as a std::string, safe to call from several places.
std::string errno_text(int err);

} // namespace ginsttest::util
