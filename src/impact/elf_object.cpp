#include "impact/elf_object.hpp"

#include "util/fd.hpp"
#include "util/strings.hpp"

#include <elf.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gelf.h>
#include <libelf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>
#include <string_view>

namespace ginsttest::impact {
namespace {

struct ElfCloser {
  void operator()(Elf* elf) const { ::elf_end(elf); }
};
using ElfPtr = std::unique_ptr<Elf, ElfCloser>;

// libelf must be told once which ELF version its caller speaks before anything else works.
bool libelf_ready() {
  static const bool ready = ::elf_version(EV_CURRENT) != EV_NONE;
  return ready;
}

std::string elf_error() {
  const char* message = ::elf_errmsg(-1);
  return message != nullptr ? message : "unknown libelf error";
}

// The bytes [offset, offset + size) of the file; libelf checks that they lie inside it.
util::Expected<std::string_view> file_bytes(Elf* elf, GElf_Off offset, GElf_Xword size,
                                            std::string_view what) {
  if (size == 0) {
    return std::string_view{};
  }
  if (offset > static_cast<GElf_Off>(std::numeric_limits<std::int64_t>::max())) {
    return util::unexpected(fmt::format("{} lies outside the file", what));
  }
  Elf_Data* data = ::elf_getdata_rawchunk(elf, static_cast<std::int64_t>(offset), size, ELF_T_BYTE);
  if (data == nullptr || data->d_buf == nullptr) {
    return util::unexpected(fmt::format("{} lies outside the file", what));
  }
  return std::string_view{static_cast<const char*>(data->d_buf), data->d_size};
}

// The NUL-terminated string at `offset` in `table`; a string running off its end is an error.
util::Expected<std::string> string_at(std::string_view table, GElf_Xword offset) {
  if (offset >= table.size()) {
    return util::unexpected("a string lies outside the dynamic string table");
  }
  const auto end = table.find('\0', offset);
  if (end == std::string_view::npos) {
    return util::unexpected("a string of the dynamic string table is not terminated");
  }
  return std::string{table.substr(offset, end - offset)};
}

// The program headers that matter to the loader.
struct Segments {
  std::vector<GElf_Phdr> loads;
  std::optional<GElf_Phdr> dynamic;
  std::optional<GElf_Phdr> interp;
};

util::Expected<Segments> read_segments(Elf* elf) {
  std::size_t count = 0;
  if (::elf_getphdrnum(elf, &count) != 0) {
    return util::unexpected(fmt::format("cannot count program headers: {}", elf_error()));
  }
  Segments segments;
  for (std::size_t i = 0; i < count; i++) {
    GElf_Phdr phdr{};
    if (::gelf_getphdr(elf, static_cast<int>(i), &phdr) == nullptr) {
      return util::unexpected(fmt::format("cannot read program header {}: {}", i, elf_error()));
    }
    if (phdr.p_type == PT_LOAD) {
      segments.loads.push_back(phdr);
    } else if (phdr.p_type == PT_DYNAMIC) {
      segments.dynamic = phdr;
    } else if (phdr.p_type == PT_INTERP) {
      segments.interp = phdr;
    }
  }
  return segments;
}

// The file offset at which the loaded segments put `address`; DT_STRTAB is an address.
std::optional<GElf_Off> file_offset(const Segments& segments, GElf_Addr address) {
  for (const auto& load : segments.loads) {
    if (address >= load.p_vaddr && address - load.p_vaddr < load.p_filesz) {
      return load.p_offset + (address - load.p_vaddr);
    }
  }
  return std::nullopt;
}

// A search path of DT_RPATH or DT_RUNPATH. An empty entry would be ld.so's working directory,
// which says nothing about the installed system, so it is dropped.
void add_search_path(std::vector<std::string>& out, const std::string& value) {
  for (auto& entry : util::split(value, ':')) {
    if (!entry.empty()) {
      out.push_back(std::move(entry));
    }
  }
}

// What the dynamic section says, with its strings still as offsets into DT_STRTAB.
struct DynamicEntries {
  std::optional<GElf_Addr> strtab;
  GElf_Xword strsz = 0;
  std::vector<GElf_Xword> needed;
  std::optional<GElf_Xword> soname, rpath, runpath;
};

util::Expected<DynamicEntries> read_dynamic_entries(Elf* elf, const GElf_Phdr& dynamic) {
  if (dynamic.p_offset > static_cast<GElf_Off>(std::numeric_limits<std::int64_t>::max())) {
    return util::unexpected("the dynamic segment lies outside the file");
  }
  Elf_Data* data = ::elf_getdata_rawchunk(elf, static_cast<std::int64_t>(dynamic.p_offset),
                                          dynamic.p_filesz, ELF_T_DYN);
  if (data == nullptr || data->d_buf == nullptr) {
    return util::unexpected("the dynamic segment lies outside the file");
  }
  const std::size_t entry_size = ::gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);
  DynamicEntries entries;
  for (std::size_t i = 0; entry_size != 0 && i < data->d_size / entry_size; i++) {
    GElf_Dyn dyn{};
    if (::gelf_getdyn(data, static_cast<int>(i), &dyn) == nullptr || dyn.d_tag == DT_NULL) {
      break;
    }
    switch (dyn.d_tag) {
    case DT_STRTAB:
      entries.strtab = dyn.d_un.d_ptr;
      break;
    case DT_STRSZ:
      entries.strsz = dyn.d_un.d_val;
      break;
    case DT_NEEDED:
      entries.needed.push_back(dyn.d_un.d_val);
      break;
    // ld.so keeps the last of repeated entries.
    case DT_SONAME:
      entries.soname = dyn.d_un.d_val;
      break;
    case DT_RPATH:
      entries.rpath = dyn.d_un.d_val;
      break;
    case DT_RUNPATH:
      entries.runpath = dyn.d_un.d_val;
      break;
    default:
      break;
    }
  }
  return entries;
}

// Fills the dynamic section's part of `object`. ld.so reads it through PT_DYNAMIC, not the
// section headers (which a stripped file may lack), and so do we.
util::Status read_dynamic(Elf* elf, const Segments& segments, ElfObject& object) {
  auto entries = read_dynamic_entries(elf, *segments.dynamic);
  if (!entries) {
    return util::unexpected(entries.error());
  }
  const bool uses_strings =
      !entries->needed.empty() || entries->soname || entries->rpath || entries->runpath;
  if (!uses_strings) {
    return util::Ok{};
  }
  const auto offset = entries->strtab ? file_offset(segments, *entries->strtab) : std::nullopt;
  if (!offset) {
    return util::unexpected("the dynamic string table is not in a loaded segment");
  }
  auto table = file_bytes(elf, *offset, entries->strsz, "the dynamic string table");
  if (!table) {
    return util::unexpected(table.error());
  }
  for (const auto at : entries->needed) {
    auto name = string_at(*table, at);
    if (!name) {
      return util::unexpected(name.error());
    }
    object.needed.push_back(std::move(*name));
  }
  for (auto [field, out] :
       {std::pair{&entries->rpath, &object.rpath}, std::pair{&entries->runpath, &object.runpath}}) {
    if (*field) {
      auto value = string_at(*table, **field);
      if (!value) {
        return util::unexpected(value.error());
      }
      add_search_path(*out, *value);
    }
  }
  if (entries->soname) {
    auto soname = string_at(*table, *entries->soname);
    if (!soname) {
      return util::unexpected(soname.error());
    }
    object.soname = std::move(*soname);
  }
  return util::Ok{};
}

// The symbols of `wanted` that one dynamic symbol table leaves undefined.
util::Status read_imports_of(Elf* elf, Elf_Scn* section, const GElf_Shdr& header,
                             const std::set<std::string>& wanted, ElfObject& object) {
  Elf_Data* data = ::elf_getdata(section, nullptr);
  if (data == nullptr) {
    return util::unexpected(fmt::format("cannot read the dynamic symbols: {}", elf_error()));
  }
  const std::size_t entry_size = ::gelf_fsize(elf, ELF_T_SYM, 1, EV_CURRENT);
  if (data->d_buf == nullptr || entry_size == 0) {
    return util::Ok{};
  }
  std::string name; // reused: most symbol names are too long for the small-string buffer
  for (std::size_t i = 0; i < data->d_size / entry_size; i++) {
    GElf_Sym sym{};
    if (::gelf_getsym(data, static_cast<int>(i), &sym) == nullptr) {
      return util::unexpected(fmt::format("cannot read dynamic symbol {}: {}", i, elf_error()));
    }
    if (sym.st_shndx != SHN_UNDEF || sym.st_name == 0) {
      continue;
    }
    const char* text = ::elf_strptr(elf, header.sh_link, sym.st_name);
    if (text == nullptr) {
      return util::unexpected(fmt::format("dynamic symbol {} has a broken name", i));
    }
    name.assign(text);
    if (wanted.contains(name)) {
      object.imports.push_back(name);
    }
  }
  return util::Ok{};
}

// Imports are read from the .dynsym section: counting the symbols through DT_HASH or
// DT_GNU_HASH instead would take far more code for the rare file without section headers.
util::Status read_imports(Elf* elf, const std::set<std::string>& wanted, ElfObject& object) {
  for (Elf_Scn* section = ::elf_nextscn(elf, nullptr); section != nullptr;
       section = ::elf_nextscn(elf, section)) {
    GElf_Shdr header{};
    if (::gelf_getshdr(section, &header) == nullptr) {
      return util::unexpected(fmt::format("cannot read a section header: {}", elf_error()));
    }
    if (header.sh_type == SHT_DYNSYM) {
      if (auto read = read_imports_of(elf, section, header, wanted, object); !read) {
        return read;
      }
    }
  }
  std::sort(object.imports.begin(), object.imports.end());
  object.imports.erase(std::unique(object.imports.begin(), object.imports.end()),
                       object.imports.end());
  return util::Ok{};
}

// libelf quietly drops the headers that lie past the end of the file, but a file cut short is
// broken, not smaller. (With PN_XNUM or e_shnum 0 the counts are elsewhere; libelf checks them.)
util::Status check_header_tables(const GElf_Ehdr& ehdr, std::uint64_t file_size) {
  auto fits = [file_size](std::uint64_t offset, std::uint64_t count, std::uint64_t entry_size) {
    return offset <= file_size && count * entry_size <= file_size - offset;
  };
  if (ehdr.e_phnum != PN_XNUM && !fits(ehdr.e_phoff, ehdr.e_phnum, ehdr.e_phentsize)) {
    return util::unexpected("the program headers lie outside the file (truncated?)");
  }
  if (ehdr.e_shnum != 0 && !fits(ehdr.e_shoff, ehdr.e_shnum, ehdr.e_shentsize)) {
    return util::unexpected("the section headers lie outside the file (truncated?)");
  }
  return util::Ok{};
}

util::Status read_object(Elf* elf, std::uint64_t file_size, const std::set<std::string>& wanted,
                         ElfObject& object) {
  GElf_Ehdr ehdr{};
  if (::gelf_getehdr(elf, &ehdr) == nullptr) {
    return util::unexpected(fmt::format("cannot read the ELF header: {}", elf_error()));
  }
  if (auto checked = check_header_tables(ehdr, file_size); !checked) {
    return checked;
  }
  object.elf_class = static_cast<unsigned>(::gelf_getclass(elf));
  object.machine = ehdr.e_machine;
  auto segments = read_segments(elf);
  if (!segments) {
    return util::unexpected(segments.error());
  }
  if (segments->interp) {
    auto interp = file_bytes(elf, segments->interp->p_offset, segments->interp->p_filesz,
                             "the PT_INTERP segment");
    if (!interp) {
      return util::unexpected(interp.error());
    }
    object.interpreter = std::string{interp->substr(0, interp->find('\0'))};
  }
  if (segments->dynamic) {
    if (auto read = read_dynamic(elf, *segments, object); !read) {
      return read;
    }
  }
  return wanted.empty() ? util::Status{util::Ok{}} : read_imports(elf, wanted, object);
}

// Whether the file starts like an ELF file: one too short for libelf to take it as ELF is a
// broken ELF file, not a script.
bool has_elf_magic(int fd) {
  char magic[SELFMAG] = {};
  return ::pread(fd, magic, SELFMAG, 0) == SELFMAG && std::memcmp(magic, ELFMAG, SELFMAG) == 0;
}

} // namespace

util::Expected<std::optional<ElfObject>> read_elf_object(const std::filesystem::path& path,
                                                         const std::set<std::string>& wanted) {
  auto failure = [&path](std::string_view reason) {
    return util::unexpected(fmt::format("{}: {}", path.string(), reason));
  };
  // Non-blocking, so that opening a FIFO planted where a library should be cannot hang us.
  util::Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (!fd) {
    return failure(util::errno_text(errno));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return failure(util::errno_text(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return failure("not a regular file");
  }
  if (!libelf_ready()) {
    return failure(fmt::format("libelf: {}", elf_error()));
  }
  ElfPtr elf{::elf_begin(fd.get(), ELF_C_READ_MMAP, nullptr)};
  if (!elf) {
    return failure(elf_error());
  }
  if (::elf_kind(elf.get()) != ELF_K_ELF) {
    if (has_elf_magic(fd.get())) {
      return failure("truncated ELF header");
    }
    return std::optional<ElfObject>{};
  }
  ElfObject object;
  if (auto read = read_object(elf.get(), static_cast<std::uint64_t>(st.st_size), wanted, object);
      !read) {
    return failure(read.error().what);
  }
  return std::optional<ElfObject>{std::move(object)};
}

} // namespace ginsttest::impact
