// Which files a program loads before main(), found the way glibc's ld.so finds them: DT_RPATH
// (of the object and the objects that loaded it) unless DT_RUNPATH is set, LD_LIBRARY_PATH,
// DT_RUNPATH, /etc/ld.so.cache, then the default directories, with $ORIGIN, $LIB and $PLATFORM
// expanded and objects of another class or machine passed over. Every ELF file is read once per
// Loader, so many programs share the work for libglib and friends.
#pragma once

#include "impact/elf_object.hpp"
#include "impact/ld_cache.hpp"
#include "util/expected.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ginsttest::impact {

struct LoaderOptions {
  std::filesystem::path ld_cache = "/etc/ld.so.cache";
  std::vector<std::filesystem::path> ld_library_path; // searched as LD_LIBRARY_PATH would be
  // Default directories, searched last; empty means the system's (multiarch ones first).
  std::vector<std::filesystem::path> default_dirs;
  // Symbols whose importers are wanted (ElfObject::imports); empty: none are looked at.
  std::set<std::string> wanted_symbols;
};

// One object of a closure.
struct LoadedObject {
  std::filesystem::path path; // canonical (symlinks resolved), so one file is one object
  std::string name;           // how it was asked for: its DT_NEEDED entry, or the program's path
  const ElfObject* elf = nullptr; // owned by the Loader
};

// A program and everything the loader would load for it, each object once, in breadth-first
// order (the program first, its interpreter next when it has one).
struct Closure {
  std::vector<LoadedObject> objects;
  // DT_NEEDED entries that could not be found: "libfoo.so.1 (needed by /usr/lib/.../libbar.so.2)".
  std::vector<std::string> missing;
};

class Loader {
public:
  // Reads the loader cache named in `options` (a missing cache is not an error: the default
  // directories are still searched).
  static util::Expected<std::unique_ptr<Loader>> create(LoaderOptions options);

  // The closure of the ELF program or library at `path`. Returns nullopt when `path` is not an
  // ELF file (the caller looks for a #! line); an error naming the file when it cannot be read.
  // Results are cached: asking twice returns the same object.
  util::Expected<std::optional<const Closure*>> closure(const std::filesystem::path& path);

  // The file the loader would load for `soname` when nothing but LD_LIBRARY_PATH, the cache and
  // the default directories are searched (no RPATH), for objects of the machine the runner runs
  // on; nullopt when there is none.
  std::optional<std::filesystem::path> find_library(const std::string& soname);

  // The ELF object at `path`, read once (nullopt when it is not ELF).
  util::Expected<std::optional<const ElfObject*>> object(const std::filesystem::path& path);

  ~Loader();

private:
  explicit Loader(LoaderOptions options, LdCache cache);
  struct State;
  std::unique_ptr<State> m_state;
};

} // namespace ginsttest::impact
