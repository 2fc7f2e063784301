// tap-judge FILE...: prints, per file, what the runner's TAP verdict makes of it, in the form
// the differential test compares with Perl's TAP::Parser:
//   FILE run=N failed=N skipped=N todo=N verdict=PASS|FAIL|SKIP
// The file is judged as the output of a test that exited with status 0.

#include "tap/parser.hpp"
#include "tap/verdict.hpp"

#include <fmt/format.h>

#include <fstream>

int main(int argc, char** argv) {
  using namespace ginsttest;
  for (int i = 1; i < argc; i++) {
    std::ifstream in{argv[i], std::ios::binary};
    if (!in) {
      fmt::print(stderr, "tap-judge: cannot open {}\n", argv[i]);
      return 1;
    }
    tap::Tally tally;
    tap::Parser parser{tally};
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
      parser.feed(std::string_view{buf, static_cast<std::size_t>(in.gcount())});
    }
    parser.finish();
    const auto verdict = tally.verdict(0);
    const auto counts = tally.counts();
    fmt::print("{} run={} failed={} skipped={} todo={} verdict={}\n", argv[i], counts.points,
               counts.failed, counts.skipped, counts.todo, core::label(verdict.outcome));
  }
  return 0;
}
