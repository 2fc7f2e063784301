// What the dynamic loader needs to know about one ELF file: its class and machine, its SONAME,
// the libraries it needs and where it asks for them to be looked up, and which of a given set of
// symbols it imports. Read with elfutils' libelf; nothing is executed.
#pragma once

#include "util/expected.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ginsttest::impact {

struct ElfObject {
  unsigned elf_class = 0;          // ELFCLASS32 or ELFCLASS64
  std::uint16_t machine = 0;       // EM_X86_64, EM_AARCH64...
  std::string soname;              // DT_SONAME, empty for most programs
  std::string interpreter;         // PT_INTERP: the dynamic loader a program asks for
  std::vector<std::string> needed; // DT_NEEDED, in order
  // DT_RPATH entries (split at ':'; an empty one, ld.so's working directory, is dropped), with
  // $ORIGIN and friends not yet expanded.
  std::vector<std::string> rpath;
  std::vector<std::string> runpath; // DT_RUNPATH entries, likewise
  // The symbols of the `wanted` set given to read_elf_object that this object imports (undefined
  // in its dynamic symbol table), sorted.
  std::vector<std::string> imports;
};

// Reads `path`. Returns nullopt for a file that is not ELF (a script, a text file); an error
// naming the file for one that cannot be opened, is not a regular file (a FIFO is refused
// without waiting for a writer) or is a broken ELF file (truncated, offsets out of bounds).
util::Expected<std::optional<ElfObject>> read_elf_object(const std::filesystem::path& path,
                                                         const std::set<std::string>& wanted);

} // namespace ginsttest::impact
