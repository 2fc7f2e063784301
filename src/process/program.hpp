// Resolving the program a test runs.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace ginsttest::process {

// The file `name` names: itself when it contains a '/', else the first executable file of that
// name in `search_path` (a PATH value). Returns `name` unchanged when nothing is found, so that
// exec reports the usual "No such file or directory".
std::string find_program(std::string_view name, std::string_view search_path);

// The type and permissions (st_mode) of the file `path` names, symlinks followed; nullopt when
// it cannot be looked up.
std::optional<mode_t> file_mode(const std::string& path);

} // namespace ginsttest::process
