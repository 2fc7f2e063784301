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

} // namespace ginsttest::process
