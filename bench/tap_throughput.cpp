// tap-throughput [POINTS]: MB/s of the TAP parser and verdict on one core, over a generated
// GLib-like stream (comments, test points with paths, a few skips and failures), fed in 64 KiB
// pieces as the runner feeds it from a pipe.
#include "tap/parser.hpp"
#include "tap/verdict.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  using namespace ginsttest;
  const long points = argc > 1 ? std::atol(argv[1]) : 1000000;
  std::string stream = "# random seed: R02S3c342c06a15fdbf57d8e83e4a296ff1a\n1..";
  stream += std::to_string(points) + "\n";
  for (long i = 1; i <= points; i++) {
    if (i % 50 == 1) {
      stream += "# Start of tests of group " + std::to_string(i / 50) + "\n";
    }
    stream += (i % 1000 == 0 ? "not ok " : "ok ") + std::to_string(i) + " /glib/group-" +
              std::to_string(i / 50) + "/case-" + std::to_string(i) +
              (i % 97 == 0 ? " # SKIP not supported here\n" : "\n");
  }
  const auto start = std::chrono::steady_clock::now();
  tap::Tally tally;
  tap::Parser parser{tally};
  constexpr std::size_t piece = 64 * 1024;
  for (std::size_t i = 0; i < stream.size(); i += piece) {
    parser.feed(std::string_view{stream}.substr(i, piece));
  }
  parser.finish();
  const auto verdict = tally.verdict(0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("%ld points, %.1f MB in %.3f s: %.0f MB/s (verdict: %s, %zu failed)\n", points,
              stream.size() / 1e6, seconds, stream.size() / 1e6 / seconds,
              std::string{core::label(verdict.outcome)}.c_str(), tally.counts().failed);
  return 0;
}
