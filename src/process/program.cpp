#include "process/program.hpp"

#include "util/strings.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace ginsttest::process {

std::string find_program(std::string_view name, std::string_view search_path) {
  if (name.empty() || name.find('/') != std::string_view::npos) {
    return std::string{name};
  }
  for (const auto& dir : util::split(search_path, ':')) {
    // An empty PATH entry means the current directory, as execvp does.
    std::string candidate = (dir.empty() ? std::string{"."} : dir) + "/";
    candidate += name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::string{name};
}

std::optional<mode_t> file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return std::nullopt;
  }
  return st.st_mode;
}

} // namespace ginsttest::process
