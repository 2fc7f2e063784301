#include "impact/loader.hpp"

#include "impact/elf_object.hpp"
#include "impact/ld_cache.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <elf.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

using namespace ginsttest;
namespace fs = std::filesystem;
using Strings = std::vector<std::string>;

namespace {

// Programs and libraries built by tests/unit/impact/meson.build.
const fs::path fixtures = GINSTTEST_IMPACT_FIXTURES;

std::unique_ptr<impact::Loader> make_loader(impact::LoaderOptions options = {}) {
  auto loader = impact::Loader::create(std::move(options));
  REQUIRE_MESSAGE(loader, loader.error().what);
  return std::move(*loader);
}

util::TempDir make_temp_dir() {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "unit-loader", util::Stamp::no);
  REQUIRE(dir);
  return std::move(*dir);
}

const impact::Closure& closure_of(impact::Loader& loader, const fs::path& path) {
  auto closure = loader.closure(path);
  REQUIRE_MESSAGE(closure, closure.error().what);
  REQUIRE(closure->has_value());
  return ***closure;
}

// The object loaded for `name` (its NEEDED entry or the program's path), or nullptr.
const impact::LoadedObject* loaded(const impact::Closure& closure, std::string_view name) {
  const auto found = std::find_if(closure.objects.begin(), closure.objects.end(),
                                  [&](const auto& object) { return object.name == name; });
  return found == closure.objects.end() ? nullptr : &*found;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

void write_bytes(const fs::path& path, std::string_view bytes) {
  std::ofstream{path, std::ios::binary}.write(bytes.data(),
                                              static_cast<std::streamsize>(bytes.size()));
}

template <typename T> void put(std::string& bytes, std::size_t at, T value) {
  std::memcpy(bytes.data() + at, &value, sizeof value);
}

fs::path system_library(impact::Loader& loader, const std::string& soname) {
  auto path = loader.find_library(soname);
  REQUIRE_MESSAGE(path, soname);
  return *path;
}

} // namespace

TEST_SUITE_BEGIN("impact/loader");

TEST_CASE("the closure of a system library") {
  auto loader = make_loader();
  const auto glib = system_library(*loader, "libglib-2.0.so.0");
  CHECK(glib == fs::canonical(glib));
  const auto& closure = closure_of(*loader, glib);
  REQUIRE(!closure.objects.empty());
  CHECK(closure.objects.front().path == glib);
  CHECK(closure.objects.front().name == glib.string());
  CHECK(closure.missing.empty());
  for (const char* soname : {"libpcre2-8.so.0", "libc.so.6"}) {
    const auto* object = loaded(closure, soname);
    REQUIRE_MESSAGE(object, soname);
    CHECK(object->path == system_library(*loader, soname));
  }
  // Each file once.
  std::set<fs::path> paths;
  for (const auto& object : closure.objects) {
    CHECK(paths.insert(object.path).second);
  }
  // Cached: the same closure, not another one.
  auto again = loader->closure(glib);
  REQUIRE(again);
  CHECK(**again == &closure);
}

TEST_CASE("a program's closure has its interpreter second, and a symlink is followed") {
  auto loader = make_loader();
  const auto program = fixtures / "prog-rpath";
  const auto& closure = closure_of(*loader, program);
  auto elf = loader->object(program);
  REQUIRE(elf);
  REQUIRE(elf->has_value());
  const auto& interpreter = (**elf)->interpreter;
  REQUIRE(!interpreter.empty());
  REQUIRE(closure.objects.size() >= 2);
  CHECK(closure.objects[1].name == interpreter);
  CHECK(closure.objects[1].path == fs::canonical(interpreter));

  auto dir = make_temp_dir();
  fs::create_symlink(program, dir.path() / "link");
  const auto& through_link = closure_of(*loader, dir.path() / "link");
  CHECK(through_link.objects.front().path == fs::canonical(program));
  CHECK(through_link.objects.front().name == (dir.path() / "link").string());
  CHECK(through_link.objects.size() == closure.objects.size());
}

TEST_CASE("what is not ELF, and what cannot be read") {
  auto dir = make_temp_dir();
  write_bytes(dir.path() / "script", "#!/bin/sh\nexit 0\n");
  write_bytes(dir.path() / "empty", "");
  auto loader = make_loader();
  for (const fs::path& path :
       {dir.path() / "script", dir.path() / "empty", fs::path{"/etc/passwd"}}) {
    auto read = impact::read_elf_object(path, {});
    REQUIRE_MESSAGE(read, read.error().what);
    CHECK(!read->has_value());
    auto closure = loader->closure(path);
    REQUIRE(closure);
    CHECK(!closure->has_value());
  }
  auto missing = loader->closure(dir.path() / "missing");
  REQUIRE(!missing);
  CHECK(missing.error().what.find((dir.path() / "missing").string()) != std::string::npos);

  // A FIFO is refused without waiting for a writer.
  REQUIRE(::mkfifo((dir.path() / "fifo").c_str(), 0600) == 0);
  auto fifo = impact::read_elf_object(dir.path() / "fifo", {});
  REQUIRE(!fifo);
  CHECK(fifo.error().what == (dir.path() / "fifo").string() + ": not a regular file");
  CHECK(!loader->closure(dir.path() / "fifo"));
}

TEST_CASE("a truncated ELF file is an error naming it") {
  auto loader = make_loader();
  const auto bytes = read_bytes(system_library(*loader, "libglib-2.0.so.0"));
  auto dir = make_temp_dir();
  for (std::size_t size : {100, 10}) {
    const auto path = dir.path() / fmt::format("truncated-{}", size);
    write_bytes(path, std::string_view{bytes}.substr(0, size));
    auto read = impact::read_elf_object(path, {});
    REQUIRE(!read);
    CHECK(read.error().what.starts_with(path.string() + ": "));
    CHECK(!loader->closure(path));
  }
}

TEST_CASE("hostile ELF files never crash the reader") {
  const auto original = read_bytes(fixtures / "lib" / "libimpactfix.so");
  REQUIRE(original.size() > 1000);
  auto dir = make_temp_dir();
  const auto path = dir.path() / "hostile.so";
  const std::set<std::string> wanted{"impactdep_value"};
  // Every length, in steps, then random bytes put anywhere (the same ones on every run).
  for (std::size_t size = 0; size < original.size(); size += 97) {
    write_bytes(path, std::string_view{original}.substr(0, size));
    (void)impact::read_elf_object(path, wanted);
  }
  std::mt19937 rng{42};
  for (int round = 0; round < 500; round++) {
    auto bytes = original;
    const int changes = 1 + round % 8;
    for (int i = 0; i < changes; i++) {
      // Mostly the headers, where offsets and counts live.
      const std::size_t limit = round % 2 == 0 ? 256 : bytes.size();
      bytes[rng() % limit] = static_cast<char>(rng());
    }
    write_bytes(path, bytes);
    auto read = impact::read_elf_object(path, wanted);
    if (!read) {
      CHECK(read.error().what.starts_with(path.string() + ": "));
    }
  }
}

TEST_CASE("a library that does not exist is not found") {
  auto loader = make_loader();
  CHECK(!loader->find_library("libdoesnotexist.so.9"));
}

TEST_CASE("the symbols an object imports") {
  impact::LoaderOptions options;
  options.wanted_symbols = {"g_object_ref", "no_such_symbol"};
  auto loader = make_loader(options);
  auto gio = loader->object(system_library(*loader, "libgio-2.0.so.0"));
  REQUIRE(gio);
  REQUIRE(gio->has_value());
  CHECK((**gio)->imports == Strings{"g_object_ref"});
  auto glib = loader->object(system_library(*loader, "libglib-2.0.so.0"));
  REQUIRE(glib);
  REQUIRE(glib->has_value());
  CHECK((**glib)->imports.empty());
  // Nothing wanted, nothing looked at.
  auto plain = impact::read_elf_object(system_library(*loader, "libgio-2.0.so.0"), {});
  REQUIRE(plain);
  REQUIRE(plain->has_value());
  CHECK((*plain)->imports.empty());
  CHECK((*plain)->soname == "libgio-2.0.so.0");
}

TEST_CASE("DT_RPATH is passed down to the libraries a program loads") {
  auto loader = make_loader();
  const auto& closure = closure_of(*loader, fixtures / "prog-rpath");
  CHECK(closure.missing.empty());
  const auto* fix = loaded(closure, "libimpactfix.so");
  const auto* dep = loaded(closure, "libimpactdep.so");
  REQUIRE(fix);
  REQUIRE(dep);
  CHECK(fix->path == fs::canonical(fixtures / "lib" / "libimpactfix.so"));
  CHECK(dep->path == fs::canonical(fixtures / "lib" / "libimpactdep.so"));
  CHECK(closure.objects.front().elf->rpath == Strings{"$ORIGIN/lib"});
  CHECK(closure.objects.front().elf->runpath.empty());
  CHECK(loaded(closure, "libc.so.6"));
}

TEST_CASE("DT_RUNPATH is not passed down") {
  auto loader = make_loader();
  const auto& closure = closure_of(*loader, fixtures / "prog-runpath");
  CHECK(closure.objects.front().elf->runpath == Strings{"${ORIGIN}/lib"});
  REQUIRE(loaded(closure, "libimpactfix.so"));
  CHECK(!loaded(closure, "libimpactdep.so"));
  const auto fix = fs::canonical(fixtures / "lib" / "libimpactfix.so");
  CHECK(closure.missing == Strings{"libimpactdep.so (needed by " + fix.string() + ")"});
}

TEST_CASE("LD_LIBRARY_PATH comes after DT_RPATH and before DT_RUNPATH") {
  auto dir = make_temp_dir();
  const auto copy = dir.path() / "libimpactfix.so";
  fs::copy_file(fixtures / "lib" / "libimpactfix.so", copy);
  impact::LoaderOptions options;
  options.ld_library_path = {dir.path()};
  const auto fixture = fs::canonical(fixtures / "lib" / "libimpactfix.so");
  {
    auto loader = make_loader(options);
    const auto* fix = loaded(closure_of(*loader, fixtures / "prog-rpath"), "libimpactfix.so");
    REQUIRE(fix);
    CHECK(fix->path == fixture);
    fix = loaded(closure_of(*loader, fixtures / "prog-runpath"), "libimpactfix.so");
    REQUIRE(fix);
    CHECK(fix->path == fs::canonical(copy));
  }
  // A library for another machine is passed over.
  auto bytes = read_bytes(copy);
  put(bytes, offsetof(Elf64_Ehdr, e_machine), std::uint16_t{EM_AARCH64});
  write_bytes(copy, bytes);
  auto loader = make_loader(options);
  const auto* fix = loaded(closure_of(*loader, fixtures / "prog-runpath"), "libimpactfix.so");
  REQUIRE(fix);
  CHECK(fix->path == fixture);
}

TEST_CASE("$LIB and ${ORIGIN} in a search path") {
  auto loader = make_loader();
  // $LIB is lib/<multiarch triplet>, the directory libc lives in.
  const auto triplet = system_library(*loader, "libc.so.6").parent_path().filename();
  auto dir = make_temp_dir();
  const auto libdir = dir.path() / "lib" / triplet;
  fs::create_directories(libdir);
  fs::copy_file(fixtures / "prog-tokens", dir.path() / "prog-tokens");
  for (const char* lib : {"libimpactfix.so", "libimpactdep.so"}) {
    fs::copy_file(fixtures / "lib" / lib, libdir / lib);
  }
  const auto& closure = closure_of(*loader, dir.path() / "prog-tokens");
  CHECK(closure.missing.empty());
  const auto* dep = loaded(closure, "libimpactdep.so");
  REQUIRE(dep);
  CHECK(dep->path == fs::canonical(libdir / "libimpactdep.so"));
}

TEST_CASE("the default directories and a missing loader cache") {
  auto dir = make_temp_dir();
  impact::LoaderOptions options;
  options.ld_cache = dir.path() / "no-cache";
  options.default_dirs = {fixtures / "lib"};
  auto loader = make_loader(options);
  CHECK(loader->find_library("libimpactdep.so") ==
        fs::canonical(fixtures / "lib" / "libimpactdep.so"));
  CHECK(!loader->find_library("libc.so.6"));
}

TEST_CASE("the loader cache") {
  auto system = impact::LdCache::load("/etc/ld.so.cache");
  REQUIRE_MESSAGE(system, system.error().what);
  CHECK(!system->find("libc.so.6").empty());
  CHECK(system->find("libdoesnotexist.so.9").empty());

  // A cache of two entries, one of them not for glibc, in the new format at `base`.
  auto make_cache = [](std::size_t base) {
    std::string bytes(base + 48 + 2 * 24, '\0');
    const std::string strings = std::string{"libx.so.1"} + '\0' + "/lib/libx.so.1" + '\0';
    const auto key = static_cast<std::uint32_t>(bytes.size() - base);
    bytes += strings;
    bytes.replace(base, 20, "glibc-ld.so.cache1.1");
    put(bytes, base + 20, std::uint32_t{2});
    put(bytes, base + 24, static_cast<std::uint32_t>(strings.size()));
    for (std::uint32_t i = 0; i < 2; i++) {
      const auto entry = base + 48 + i * 24;
      put(bytes, entry, std::int32_t{i == 0 ? 0x0303 : 0x0001});
      put(bytes, entry + 4, key);
      put(bytes, entry + 8, key + 10);
    }
    return bytes;
  };
  auto dir = make_temp_dir();
  const auto path = dir.path() / "ld.so.cache";
  auto load = [&](std::string_view bytes) {
    write_bytes(path, bytes);
    return impact::LdCache::load(path);
  };
  auto cache = load(make_cache(0));
  REQUIRE_MESSAGE(cache, cache.error().what);
  CHECK(cache->find("libx.so.1") == std::vector<fs::path>{"/lib/libx.so.1"});
  // The old format first (one 12-byte entry), then the new one at the next multiple of 8.
  auto both = make_cache(32);
  both.replace(0, 11, "ld.so-1.7.0");
  put(both, 12, std::uint32_t{1});
  cache = load(both);
  REQUIRE_MESSAGE(cache, cache.error().what);
  CHECK(cache->find("libx.so.1") == std::vector<fs::path>{"/lib/libx.so.1"});

  auto broken = make_cache(0);
  put(broken, 20, std::uint32_t{0xffffffff}); // more entries than the file holds
  for (const auto& bytes : {broken, std::string{"not a cache at all, but long enough to be one"},
                            make_cache(0).substr(0, 60), make_cache(0).substr(0, 40)}) {
    auto failed = load(bytes);
    REQUIRE(!failed);
    CHECK(failed.error().what.starts_with(path.string() + ": "));
  }
  // A string offset past the end of the file.
  broken = make_cache(0);
  put(broken, 48 + 8, std::uint32_t{0x7fffffff});
  CHECK(!load(broken));
  CHECK(!impact::LdCache::load(dir.path() / "missing"));
}

TEST_SUITE_END();
