#include "diagnose/cores.hpp"

#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <elf.h>
#include <signal.h>

#include <cstring>
#include <fstream>

using namespace ginsttest;

namespace {

constexpr std::uint64_t unlimited = ~std::uint64_t{0};

// A file with an ELF header of `type` (ET_CORE for a core file).
void write_elf(const std::filesystem::path& path, std::uint16_t type) {
  Elf64_Ehdr header{};
  std::memcpy(header.e_ident, ELFMAG, SELFMAG);
  header.e_type = type;
  std::ofstream{path, std::ios::binary}.write(reinterpret_cast<const char*>(&header),
                                              sizeof header);
}

int signalled(int signo, bool core) {
  return signo | (core ? 0x80 : 0);
}

} // namespace

TEST_CASE("where cores go, from kernel.core_pattern") {
  CHECK(diagnose::core_setup("core", false, unlimited).route == diagnose::CoreRoute::file);
  CHECK(diagnose::core_setup("/var/crash/core.%e.%p", false, unlimited).route ==
        diagnose::CoreRoute::file);
  CHECK(
      diagnose::core_setup("|/lib/systemd/systemd-coredump %P %u %g %s %t %c %h", false, unlimited)
          .route == diagnose::CoreRoute::systemd_coredump);
  const auto apport = diagnose::core_setup("|/usr/share/apport/apport -p%p -s%s", false, unlimited);
  CHECK(apport.route == diagnose::CoreRoute::none);
  CHECK(apport.why.find("/usr/share/apport/apport") != std::string::npos);
  const auto disabled = diagnose::core_setup("core", false, 0);
  CHECK(disabled.route == diagnose::CoreRoute::none);
  CHECK(disabled.why.find("RLIMIT_CORE") != std::string::npos);
}

TEST_CASE("a crash is a signal that dumps core") {
  CHECK(diagnose::crashed(signalled(SIGSEGV, false)));
  CHECK(diagnose::crashed(signalled(SIGABRT, true)));
  CHECK(diagnose::crashed(signalled(SIGTRAP, false)));
  CHECK_FALSE(diagnose::crashed(signalled(SIGTERM, false)));
  CHECK_FALSE(diagnose::crashed(signalled(SIGKILL, false)));
  CHECK_FALSE(diagnose::crashed(0));      // exited with 0
  CHECK_FALSE(diagnose::crashed(1 << 8)); // exited with 1
}

TEST_CASE("the core is found in the test's directory by the pattern") {
  auto dir =
      util::TempDir::create(std::filesystem::temp_directory_path(), "cores", util::Stamp::no);
  REQUIRE(dir);
  const auto& work = dir->path();
  const auto before = std::chrono::system_clock::now() - std::chrono::seconds{2};

  SUBCASE("a plain name, with the pid added by core_uses_pid") {
    write_elf(work / "core.1234", ET_CORE);
    write_elf(work / "core.notes", ET_EXEC); // an ELF file, not a core
    std::ofstream{work / "core.txt"} << "not ELF";
    const auto setup = diagnose::core_setup("core", true, unlimited);
    CHECK(diagnose::find_core(setup, work, before) == work / "core.1234");
    // Without core_uses_pid the name is exactly "core".
    CHECK_FALSE(diagnose::find_core(diagnose::core_setup("core", false, unlimited), work, before));
  }
  SUBCASE("specifiers match anything; a '*' in the pattern only itself") {
    write_elf(work / "core-hang-4321.dump", ET_CORE);
    CHECK(diagnose::find_core(diagnose::core_setup("core-%e-%p.dump", false, unlimited), work,
                              before) == work / "core-hang-4321.dump");
    CHECK_FALSE(diagnose::find_core(diagnose::core_setup("core*", false, unlimited), work, before));
  }
  SUBCASE("a core older than the test is not its") {
    write_elf(work / "core", ET_CORE);
    const auto later = std::chrono::system_clock::now() + std::chrono::seconds{5};
    CHECK_FALSE(diagnose::find_core(diagnose::core_setup("core", false, unlimited), work, later));
  }
  SUBCASE("a symlink named like a core is not followed") {
    write_elf(work / "real", ET_CORE);
    std::filesystem::create_symlink(work / "real", work / "core");
    CHECK_FALSE(diagnose::find_core(diagnose::core_setup("core", false, unlimited), work, before));
  }
  SUBCASE("an absolute pattern is searched where it says") {
    write_elf(work / "core.app.77", ET_CORE);
    const auto pattern = (work / "core.%e.%p").string();
    CHECK(diagnose::find_core(diagnose::core_setup(pattern, false, unlimited), "/nonexistent",
                              before) == work / "core.app.77");
  }
  (void)dir->remove();
}
