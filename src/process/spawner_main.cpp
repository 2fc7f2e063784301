// ginsttest-spawner: started by ginsttest-runner with its request socket as fd 3 and the
// runner's pid as the only argument; not meant to be run by hand.

#include "process/spawner_loop.hpp"

#include <unistd.h>

#include <cstdlib>

int main(int argc, char** argv) {
  if (argc != 2) {
    static const char usage[] = "ginsttest-spawner: started by ginsttest-runner only\n";
    (void)!::write(2, usage, sizeof usage - 1);
    return 1;
  }
  ginsttest::process::run_spawner(3, static_cast<pid_t>(std::atol(argv[1])));
}
