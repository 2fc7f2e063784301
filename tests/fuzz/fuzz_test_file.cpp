// libFuzzer target: any bytes as a .test file.
#include "discovery/test_file.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ginsttest;
  const discovery::TestLocation location{"fuzz/input.test", "/fuzz/input.test", "/fuzz"};
  const auto spec = discovery::parse_test_file(
      location, std::string_view{reinterpret_cast<const char*>(data), size});
  // A usable spec always has a program to run; a broken one always says why.
  if (spec.load_error.has_value() == !spec.argv.empty()) {
    __builtin_trap();
  }
  return 0;
}
