// Where installed tests live: <datadir>/installed-tests for each data dir.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

namespace ginsttest::discovery {

// The data dirs to search: `dirs` when given (--dir), else the entries of `xdg_data_dirs`
// ($XDG_DATA_DIRS; empty or unset means "/usr/local/share:/usr/share"). With `first_root`
// only the first one is kept.
std::vector<std::filesystem::path> data_dirs(const std::vector<std::filesystem::path>& dirs,
                                             std::string_view xdg_data_dirs, bool first_root);

// <datadir>/installed-tests for each data dir where that directory exists, in order,
// without repeats.
std::vector<std::filesystem::path>
installed_test_roots(const std::vector<std::filesystem::path>& data_dirs);

} // namespace ginsttest::discovery
