// libFuzzer target: any bytes, split anywhere, through the TAP parser and the verdict.
#include "tap/parser.hpp"
#include "tap/verdict.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ginsttest;
  const std::string_view bytes{reinterpret_cast<const char*>(data), size};
  tap::Tally tally{64};
  // Small limits so that cutting lines and YAML blocks is exercised too.
  tap::Parser parser{tally, 256};
  // The first byte decides where the input is split, to cover partial lines.
  const std::size_t step = size > 0 ? 1 + data[0] % 17 : 1;
  for (std::size_t i = 0; i < bytes.size(); i += step) {
    parser.feed(bytes.substr(i, step));
  }
  parser.finish();
  (void)tally.verdict(0);
  (void)tally.verdict(77 << 8);
  return 0;
}
