#include "impact/loader.hpp"

#include "util/strings.hpp"

#include <elf.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace ginsttest::impact {
namespace {

// What ld.so makes of $LIB and $PLATFORM for one kind of object, and where Debian puts the
// libraries of that kind (its multiarch triplet).
struct Machine {
  unsigned elf_class;
  std::uint16_t machine;
  std::string_view triplet;
  std::string_view platform; // the kernel's AT_PLATFORM; empty where it depends on the CPU
};

constexpr Machine machines[] = {
    {ELFCLASS64, EM_X86_64, "x86_64-linux-gnu", "x86_64"},
    {ELFCLASS32, EM_X86_64, "x86_64-linux-gnux32", "x86_64"},
    {ELFCLASS32, EM_386, "i386-linux-gnu", "i686"},
    {ELFCLASS64, EM_AARCH64, "aarch64-linux-gnu", "aarch64"},
    {ELFCLASS32, EM_ARM, "arm-linux-gnueabihf", "v7l"},
    {ELFCLASS64, EM_PPC64, "powerpc64le-linux-gnu", ""},
    {ELFCLASS64, EM_S390, "s390x-linux-gnu", ""},
    {ELFCLASS64, EM_RISCV, "riscv64-linux-gnu", ""},
};

const Machine* machine_of(const ElfObject& object) {
  for (const auto& machine : machines) {
    if (machine.elf_class == object.elf_class && machine.machine == object.machine) {
      return &machine;
    }
  }
  return nullptr;
}

// ld.so's system search path for objects like `object`, as `ld.so --help` lists it on Debian:
// the multiarch directories, then /lib and /usr/lib (no /lib64: only the loader lives there).
std::vector<std::string> system_dirs(const ElfObject& object) {
  std::vector<std::string> dirs;
  if (const auto* machine = machine_of(object)) {
    dirs.push_back(fmt::format("/lib/{}", machine->triplet));
    dirs.push_back(fmt::format("/usr/lib/{}", machine->triplet));
  }
  dirs.emplace_back("/lib");
  dirs.emplace_back("/usr/lib");
  return dirs;
}

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The length of the token `name` (braced or not) at the start of `text`, just after a '$'; 0
// when `text` does not start with it ($ORIGINAL is not $ORIGIN).
std::size_t token_length(std::string_view text, std::string_view name) {
  if (text.starts_with('{')) {
    const auto inside = text.substr(1);
    return inside.starts_with(name) && inside.substr(name.size()).starts_with('}') ? name.size() + 2
                                                                                   : 0;
  }
  if (!text.starts_with(name)) {
    return 0;
  }
  return text.size() == name.size() || !is_identifier_char(text[name.size()]) ? name.size() : 0;
}

// `entry` of a search path with $ORIGIN, $LIB and $PLATFORM expanded for `object` whose
// directory is `origin`; nullopt when ld.so would drop the entry (a token it cannot expand).
std::optional<std::string> expand_tokens(std::string_view entry, std::string_view origin,
                                         const ElfObject& object) {
  const auto* machine = machine_of(object);
  const std::string lib = machine ? fmt::format("lib/{}", machine->triplet) : "lib";
  std::string out;
  for (auto dollar = entry.find('$'); dollar != std::string_view::npos; dollar = entry.find('$')) {
    out.append(entry.substr(0, dollar));
    entry.remove_prefix(dollar + 1);
    std::size_t length = 0;
    if ((length = token_length(entry, "ORIGIN")) != 0) {
      out.append(origin);
    } else if ((length = token_length(entry, "LIB")) != 0) {
      out.append(lib);
    } else if ((length = token_length(entry, "PLATFORM")) != 0) {
      if (!machine || machine->platform.empty()) {
        return std::nullopt;
      }
      out.append(machine->platform);
    } else {
      out.push_back('$'); // not a token ld.so knows: kept as written
    }
    entry.remove_prefix(length);
  }
  out.append(entry);
  return out;
}

// The directory of an object's canonical path, which $ORIGIN stands for.
std::string_view origin_of(std::string_view path) {
  const auto slash = path.rfind('/');
  return slash == 0 || slash == std::string_view::npos ? std::string_view{"/"}
                                                       : path.substr(0, slash);
}

// The search path `entries` of `object` at `path`, expanded.
std::vector<std::string> expanded(const std::vector<std::string>& entries, std::string_view path,
                                  const ElfObject& object) {
  std::vector<std::string> dirs;
  for (const auto& entry : entries) {
    if (auto dir = expand_tokens(entry, origin_of(path), object)) {
      dirs.push_back(std::move(*dir));
    }
  }
  return dirs;
}

// ld.so ignores the DT_RPATH of an object that also has DT_RUNPATH, for the object and for
// everything it loads.
const std::vector<std::string>& effective_rpath(const ElfObject& object) {
  static const std::vector<std::string> none;
  return object.runpath.empty() ? object.rpath : none;
}

std::vector<std::string> to_strings(const std::vector<std::filesystem::path>& paths) {
  return {paths.begin(), paths.end()};
}

// A file found for a NEEDED entry: its canonical path (a key of Loader::State::objects) and
// what it is.
struct Found {
  const std::string* path = nullptr;
  const ElfObject* elf = nullptr;
};
using Resolution = std::vector<std::optional<Found>>; // one per DT_NEEDED entry, in order

constexpr std::size_t no_loader = SIZE_MAX;

// A closure being built.
struct Walk {
  Closure closure;
  std::vector<std::size_t> loader_of;         // per object, the object whose DT_NEEDED loaded it
  std::unordered_set<std::string> names;      // the NEEDED names and SONAMEs loaded
  std::unordered_set<std::string_view> paths; // the canonical paths loaded
};

} // namespace

struct Loader::State {
  using ReadObject = util::Expected<std::optional<ElfObject>>;
  using Objects = std::unordered_map<std::string, ReadObject>;

  LoaderOptions options;
  LdCache cache;
  std::vector<std::string> ld_library_path;
  std::vector<std::string> default_dirs; // empty: the system's, per machine
  ElfObject self;                        // only the runner's class and machine matter
  // Each map is node-based: pointers to its values stay valid as it grows.
  std::unordered_map<std::string, std::string> canonical; // "" when the path does not resolve
  Objects objects;                                        // by canonical path
  std::unordered_map<std::string, util::Expected<std::optional<Closure>>> closures;
  // How each object's NEEDED entries resolve when no loader passes a DT_RPATH down to it.
  std::unordered_map<const ElfObject*, Resolution> resolved;
  std::unordered_map<std::uint32_t, std::vector<std::string>> system_dirs_by_machine;

  const std::string* canonical_path(const std::string& path);
  Objects::value_type& read_object(const std::string& real_path);
  std::optional<Found> candidate(const std::string& path, const ElfObject& requester);
  const std::vector<std::string>& defaults_for(const ElfObject& requester);
  std::optional<Found> search(const std::string& name, const ElfObject& requester,
                              const std::vector<std::string>& rpath,
                              const std::vector<std::string>& runpath);

  util::Expected<std::optional<Closure>> build_closure(const std::string& given);
  void add(Walk& walk, const Found& found, std::string name, std::size_t loader);
  void add_interpreter(Walk& walk);
  void add_needed(Walk& walk, std::size_t index);
  const Resolution& resolution(const Walk& walk, std::size_t index, Resolution& uncached);
  Resolution resolve(const LoadedObject& object, const std::vector<std::string>& inherited);
};

const std::string* Loader::State::canonical_path(const std::string& path) {
  auto it = canonical.find(path);
  if (it == canonical.end()) {
    char buffer[PATH_MAX];
    const char* real = ::realpath(path.c_str(), buffer);
    it = canonical.emplace(path, real != nullptr ? std::string{real} : std::string{}).first;
  }
  return it->second.empty() ? nullptr : &it->second;
}

Loader::State::Objects::value_type& Loader::State::read_object(const std::string& real_path) {
  auto it = objects.find(real_path);
  if (it == objects.end()) {
    it = objects.emplace(real_path, read_elf_object(real_path, options.wanted_symbols)).first;
  }
  return *it;
}

// A file that cannot be read, is not ELF or is of another class or machine than `requester`
// is passed over, and the search goes on, as ld.so does.
std::optional<Found> Loader::State::candidate(const std::string& path, const ElfObject& requester) {
  const std::string* real = canonical_path(path);
  if (real == nullptr) {
    return std::nullopt;
  }
  auto& [key, read] = read_object(*real);
  if (!read || !read.value()) {
    return std::nullopt;
  }
  const ElfObject& elf = *read.value();
  if (requester.elf_class != 0 &&
      (elf.elf_class != requester.elf_class || elf.machine != requester.machine)) {
    return std::nullopt;
  }
  return Found{&key, &elf};
}

const std::vector<std::string>& Loader::State::defaults_for(const ElfObject& requester) {
  if (!default_dirs.empty()) {
    return default_dirs;
  }
  const auto key = (std::uint32_t{requester.elf_class} << 16) | requester.machine;
  auto it = system_dirs_by_machine.find(key);
  if (it == system_dirs_by_machine.end()) {
    it = system_dirs_by_machine.emplace(key, system_dirs(requester)).first;
  }
  return it->second;
}

// glibc's order (elf/dl-load.c, _dl_map_object): RPATH, LD_LIBRARY_PATH, RUNPATH, the cache,
// the system directories. LD_LIBRARY_PATH is taken as given: its $ORIGIN would be the program's.
std::optional<Found> Loader::State::search(const std::string& name, const ElfObject& requester,
                                           const std::vector<std::string>& rpath,
                                           const std::vector<std::string>& runpath) {
  // A name with a slash is a path, opened as it is (ld.so: relative to its working directory).
  if (name.find('/') != std::string::npos) {
    return candidate(name, requester);
  }
  const std::vector<std::string>* before_cache[] = {&rpath, &ld_library_path, &runpath};
  for (const auto* dirs : before_cache) {
    for (const auto& dir : *dirs) {
      if (auto found = candidate(dir + '/' + name, requester)) {
        return found;
      }
    }
  }
  for (const auto& file : cache.find(name)) {
    if (auto found = candidate(file.native(), requester)) {
      return found;
    }
  }
  for (const auto& dir : defaults_for(requester)) {
    if (auto found = candidate(dir + '/' + name, requester)) {
      return found;
    }
  }
  return std::nullopt;
}

util::Expected<std::optional<Closure>> Loader::State::build_closure(const std::string& given) {
  char buffer[PATH_MAX];
  if (::realpath(given.c_str(), buffer) == nullptr) {
    return util::unexpected(fmt::format("{}: {}", given, util::errno_text(errno)));
  }
  auto& [path, read] = read_object(buffer);
  if (!read) {
    return util::unexpected(read.error());
  }
  if (!read.value()) {
    return std::optional<Closure>{};
  }
  Walk walk;
  add(walk, Found{&path, &*read.value()}, given, no_loader);
  add_interpreter(walk);
  // Breadth first, as ld.so loads them: the first object to need a name decides where it is
  // looked for, and its loaders' DT_RPATH with it.
  for (std::size_t i = 0; i < walk.closure.objects.size(); i++) {
    add_needed(walk, i);
  }
  return std::optional<Closure>{std::move(walk.closure)};
}

void Loader::State::add(Walk& walk, const Found& found, std::string name, std::size_t loader) {
  walk.names.insert(name);
  if (!found.elf->soname.empty()) {
    walk.names.insert(found.elf->soname);
  }
  walk.paths.insert(*found.path);
  walk.loader_of.push_back(loader);
  walk.closure.objects.push_back(LoadedObject{*found.path, std::move(name), found.elf});
}

// The kernel loads the program's PT_INTERP; it is in the closure like any library.
void Loader::State::add_interpreter(Walk& walk) {
  const LoadedObject& program = walk.closure.objects.front();
  if (program.elf->interpreter.empty()) {
    return;
  }
  const std::string interpreter = program.elf->interpreter; // `program` moves as objects grow
  const auto found = candidate(interpreter, *program.elf);
  if (!found) {
    walk.closure.missing.push_back(
        fmt::format("{} (interpreter of {})", interpreter, program.path.string()));
  } else if (!walk.paths.contains(*found->path)) {
    add(walk, *found, interpreter, no_loader);
  }
}

void Loader::State::add_needed(Walk& walk, std::size_t index) {
  const ElfObject& elf = *walk.closure.objects[index].elf;
  const std::string path = walk.closure.objects[index].path.native(); // objects grow below
  Resolution uncached;
  const Resolution& found = resolution(walk, index, uncached);
  for (std::size_t k = 0; k < elf.needed.size(); k++) {
    const std::string& name = elf.needed[k];
    // ld.so first looks for the name among what it loaded (by NEEDED name or SONAME).
    if (walk.names.contains(name)) {
      continue;
    }
    if (!found[k]) {
      walk.closure.missing.push_back(fmt::format("{} (needed by {})", name, path));
    } else if (walk.paths.contains(*found[k]->path)) {
      walk.names.insert(name); // the same file under another name
    } else {
      add(walk, *found[k], name, index);
    }
  }
}

// Where the NEEDED entries of object `index` resolve: computed once per object unless a loader
// passes its DT_RPATH down (then it depends on who loaded the object, and `uncached` holds it).
const Resolution& Loader::State::resolution(const Walk& walk, std::size_t index,
                                            Resolution& uncached) {
  const LoadedObject& object = walk.closure.objects[index];
  std::vector<std::string> inherited;
  if (object.elf->runpath.empty()) {
    for (auto at = walk.loader_of[index]; at != no_loader; at = walk.loader_of[at]) {
      const LoadedObject& loader = walk.closure.objects[at];
      auto dirs = expanded(effective_rpath(*loader.elf), loader.path.native(), *loader.elf);
      inherited.insert(inherited.end(), dirs.begin(), dirs.end());
    }
  }
  if (!inherited.empty()) {
    uncached = resolve(object, inherited);
    return uncached;
  }
  auto it = resolved.find(object.elf);
  if (it == resolved.end()) {
    it = resolved.emplace(object.elf, resolve(object, {})).first;
  }
  return it->second;
}

Resolution Loader::State::resolve(const LoadedObject& object,
                                  const std::vector<std::string>& inherited) {
  const ElfObject& elf = *object.elf;
  auto rpath = expanded(effective_rpath(elf), object.path.native(), elf);
  rpath.insert(rpath.end(), inherited.begin(), inherited.end());
  const auto runpath = expanded(elf.runpath, object.path.native(), elf);
  Resolution found;
  found.reserve(elf.needed.size());
  for (const auto& name : elf.needed) {
    found.push_back(search(name, elf, rpath, runpath));
  }
  return found;
}

Loader::Loader(LoaderOptions options, LdCache cache) : m_state(std::make_unique<State>()) {
  m_state->ld_library_path = to_strings(options.ld_library_path);
  m_state->default_dirs = to_strings(options.default_dirs);
  m_state->options = std::move(options);
  m_state->cache = std::move(cache);
  // find_library looks for what the runner itself could load; unknown, anything goes.
  if (auto self = read_elf_object("/proc/self/exe", {}); self && self.value()) {
    m_state->self.elf_class = self.value()->elf_class;
    m_state->self.machine = self.value()->machine;
  }
}

Loader::~Loader() = default;

util::Expected<std::unique_ptr<Loader>> Loader::create(LoaderOptions options) {
  LdCache cache;
  // A system without a cache (a minimal container) still has its default directories.
  if (::access(options.ld_cache.c_str(), F_OK) == 0 || errno != ENOENT) {
    auto loaded = LdCache::load(options.ld_cache);
    if (!loaded) {
      return util::unexpected(loaded.error());
    }
    cache = std::move(*loaded);
  }
  return std::unique_ptr<Loader>(new Loader(std::move(options), std::move(cache)));
}

util::Expected<std::optional<const Closure*>> Loader::closure(const std::filesystem::path& path) {
  auto it = m_state->closures.find(path.native());
  if (it == m_state->closures.end()) {
    auto walked = m_state->build_closure(path.native());
    it = m_state->closures.emplace(path.native(), std::move(walked)).first;
  }
  if (!it->second) {
    return util::unexpected(it->second.error());
  }
  if (!it->second.value()) {
    return std::optional<const Closure*>{};
  }
  return std::optional<const Closure*>{&*it->second.value()};
}

std::optional<std::filesystem::path> Loader::find_library(const std::string& soname) {
  const auto found = m_state->search(soname, m_state->self, {}, {});
  if (!found) {
    return std::nullopt;
  }
  return std::filesystem::path{*found->path};
}

util::Expected<std::optional<const ElfObject*>> Loader::object(const std::filesystem::path& path) {
  char buffer[PATH_MAX];
  if (::realpath(path.c_str(), buffer) == nullptr) {
    return util::unexpected(fmt::format("{}: {}", path.string(), util::errno_text(errno)));
  }
  auto& read = m_state->read_object(buffer).second;
  if (!read) {
    return util::unexpected(read.error());
  }
  if (!read.value()) {
    return std::optional<const ElfObject*>{};
  }
  return std::optional<const ElfObject*>{&*read.value()};
}

} // namespace ginsttest::impact
