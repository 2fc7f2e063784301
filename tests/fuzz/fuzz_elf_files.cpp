// libFuzzer target: any bytes as an ELF object and as /etc/ld.so.cache, the two binary formats
// --affected-by reads from files a package (or a test) may have installed.
#include "impact/elf_object.hpp"
#include "impact/ld_cache.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace ginsttest;
  // Both readers take a path: give them the bytes as an in-memory file.
  const int fd = memfd_create("fuzz-elf", MFD_CLOEXEC);
  if (fd < 0 || write(fd, data, size) != static_cast<ssize_t>(size)) {
    __builtin_trap();
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const auto object = impact::read_elf_object(path, {"g_object_ref", "malloc"});
  // Whatever it says, it says it about this file.
  if (!object && object.error().what.find(path) == std::string::npos) {
    __builtin_trap();
  }
  const auto cache = impact::LdCache::load(path);
  if (cache) {
    (void)cache->find("libc.so.6");
  } else if (cache.error().what.find(path) == std::string::npos) {
    __builtin_trap();
  }
  close(fd);
  return 0;
}
