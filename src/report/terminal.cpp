#include "report/terminal.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace ginsttest::report {

bool is_smart_terminal(int fd) {
  const char* term = std::getenv("TERM");
  return ::isatty(fd) == 1 && term && *term && std::strcmp(term, "dumb") != 0;
}

bool wants_colour(int fd) {
  if (const char* no = std::getenv("NO_COLOR"); no && *no) {
    return false;
  }
  if (const char* force = std::getenv("FORCE_COLOR"); force && *force && std::strcmp(force, "0")) {
    return true;
  }
  return is_smart_terminal(fd);
}

int terminal_width(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  return 80;
}

} // namespace ginsttest::report
