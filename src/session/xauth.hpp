// The X authority file of an X server started for the run: one MIT-MAGIC-COOKIE-1 that the
// server requires and that clients of any display number on this host present.
#pragma once

#include "util/expected.hpp"

#include <array>
#include <filesystem>
#include <string>

namespace ginsttest::session {

using Cookie = std::array<unsigned char, 16>;

// A new random cookie (getrandom).
util::Expected<Cookie> random_cookie();

// The bytes of an Xauthority file (see Xau(3)) holding `cookie` for any address and any display
// number (family FamilyWild, empty address and number), which is how both the server (-auth)
// and the client libraries read it.
std::string xauthority_entry(const Cookie& cookie);

} // namespace ginsttest::session
