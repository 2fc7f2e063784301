#include "session/xauth.hpp"

#include "util/strings.hpp"

#include <fmt/format.h>
#include <sys/random.h>

#include <cerrno>
#include <string_view>

namespace ginsttest::session {
namespace {

constexpr unsigned family_wild = 0xffff;

void put_u16(std::string& out, unsigned value) {
  out.push_back(static_cast<char>((value >> 8) & 0xff)); // big-endian
  out.push_back(static_cast<char>(value & 0xff));
}

void put_counted(std::string& out, std::string_view bytes) {
  put_u16(out, static_cast<unsigned>(bytes.size()));
  out += bytes;
}

} // namespace

util::Expected<Cookie> random_cookie() {
  Cookie cookie{};
  std::size_t got = 0;
  while (got < cookie.size()) {
    const ssize_t n = ::getrandom(cookie.data() + got, cookie.size() - got, 0);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      return util::unexpected(
          fmt::format("cannot make an X authority cookie: {}", util::errno_text(errno)));
    }
    got += static_cast<std::size_t>(n);
  }
  return cookie;
}

std::string xauthority_entry(const Cookie& cookie) {
  std::string out;
  put_u16(out, family_wild);
  put_counted(out, "");
  put_counted(out, "");
  put_counted(out, "MIT-MAGIC-COOKIE-1");
  put_counted(out, std::string_view{reinterpret_cast<const char*>(cookie.data()), cookie.size()});
  return out;
}

} // namespace ginsttest::session
