// ginsttest-spawner: started by ginsttest-runner with its request socket as fd 3, the runner's
// pid as first argument and, when each monitor gets a PID namespace of its own, "pid-namespaces"
// as second; not meant to be run by hand.

#include "process/spawner_loop.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  const bool pid_namespaces = argc == 3 && std::strcmp(argv[2], "pid-namespaces") == 0;
  if (argc != 2 && !pid_namespaces) {
    static const char usage[] = "ginsttest-spawner: started by ginsttest-runner only\n";
    (void)!::write(2, usage, sizeof usage - 1);
    return 1;
  }
  ginsttest::process::run_spawner(3, static_cast<pid_t>(std::atol(argv[1])), pid_namespaces);
}
