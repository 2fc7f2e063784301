#include "impact/packages.hpp"

#include "util/temp_dir.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace ginsttest;
namespace fs = std::filesystem;
using Chain = std::vector<std::string>;

namespace {

// A made-up dpkg database: status text as dpkg writes it, with the traps real ones hold.
constexpr const char* status = R"(Package: gjs-tests
Status: install ok installed
Architecture: amd64
Depends: gjs (= 1.74.2-1), libgjs0g (= 1.74.2-1), libc6 (>= 2.34)
Description: tests
 Depends: not-a-field (continuation lines are not fields)

Package: libgjs0g
Status: install ok installed
Pre-Depends: multiarch-support
Depends: libmozjs-102-0 (>= 102.2.0), libglib2.0-0 (>= 2.73.2) | libglib-virtual,
 libffi8 (>= 3.4)

Package: libmozjs-102-0
Status: install ok installed
Depends: libc6:any (>= 2.34)

Package: gjs
Status: install ok installed
Depends: libgjs0g, default-dbus-session-bus | dbus-session-bus

Package: dbus-user-session
Status: install ok installed
Provides: default-dbus-session-bus, dbus-session-bus

Package: libglib2.0-0
Status: install ok installed
Architecture: amd64

Package: libglib2.0-0
Status: install ok installed
Architecture: i386
Depends: libffi8

Package: removed-one
Status: deinstall ok config-files

Package: libffi8
Status: install ok unpacked

Package: multiarch-support
Status: install ok installed
)";

} // namespace

TEST_CASE("dpkg status: installed packages and their dependency closure") {
  auto index = impact::PackageIndex::from_dpkg_status(status, std::nullopt);
  CHECK(index.installed("gjs-tests"));
  CHECK(index.installed("libffi8")); // unpacked: its files are there
  CHECK_FALSE(index.installed("removed-one"));
  CHECK_FALSE(index.installed("not-a-field"));
  CHECK(index.dependency_chain("gjs-tests", "gjs-tests") == Chain{"gjs-tests"});
  CHECK(index.dependency_chain("gjs-tests", "libgjs0g") == Chain{"gjs-tests", "libgjs0g"});
  // Shortest chains, through Pre-Depends, folded lines and alternatives.
  CHECK(index.dependency_chain("gjs-tests", "libmozjs-102-0") ==
        Chain{"gjs-tests", "libgjs0g", "libmozjs-102-0"});
  CHECK(index.dependency_chain("gjs-tests", "libffi8") ==
        Chain{"gjs-tests", "libgjs0g", "libffi8"});
  CHECK(index.dependency_chain("libgjs0g", "multiarch-support").size() == 2);
  // A virtual package reaches the installed packages that provide it.
  CHECK(index.dependency_chain("gjs", "dbus-user-session") == Chain{"gjs", "dbus-user-session"});
  // Multi-Arch stanzas are merged (the i386 one's Depends counts too).
  CHECK(index.dependency_chain("libglib2.0-0", "libffi8").size() == 2);
  // Not the other way round, and nothing unrelated.
  CHECK(index.dependency_chain("libgjs0g", "gjs-tests").empty());
  CHECK(index.dependency_chain("libmozjs-102-0", "libglib2.0-0").empty());
  CHECK(index.dependency_chain("gjs-tests", "removed-one").empty());
}

TEST_CASE("dpkg file lists: owners in either spelling of a merged /usr") {
  auto dir = util::TempDir::create(fs::temp_directory_path(), "unit", util::Stamp::no);
  REQUIRE(dir);
  fs::create_directories(dir->path() / "info");
  // On Debian 12 /lib is a symlink to usr/lib: packages list /lib/... or /usr/lib/...
  const bool merged = fs::is_symlink("/lib") && fs::read_symlink("/lib") == "usr/lib";
  std::ofstream{dir->path() / "info" / "libfoo1:amd64.list"}
      << "/.\n/lib\n/lib/libfoo-made-up.so.1\n/usr/share/doc/libfoo1\n";
  std::ofstream{dir->path() / "info" / "foo-tests.list"}
      << "/usr/share/installed-tests/foo/a.test\n";
  std::ofstream{dir->path() / "info" / "libfoo1.md5sums"} << "/etc/not-a-list\n";
  auto index = impact::PackageIndex::from_dpkg_status(
      "Package: libfoo1\nStatus: install ok installed\n\n"
      "Package: foo-tests\nStatus: install ok installed\nDepends: libfoo1\n",
      dir->path());
  CHECK(index.owner("/lib/libfoo-made-up.so.1") == "libfoo1");
  CHECK(index.owner("/usr/share/installed-tests/foo/a.test") == "foo-tests");
  CHECK(index.owner("/usr/share/installed-tests/foo/../foo/a.test") == "foo-tests");
  if (merged) {
    CHECK(index.owner("/usr/lib/libfoo-made-up.so.1") == "libfoo1");
  }
  CHECK_FALSE(index.owner("/etc/not-a-list"));
  CHECK_FALSE(index.owner("/"));
  const auto files = index.files("libfoo1");
  CHECK(files ==
        std::vector<fs::path>{"/lib", "/lib/libfoo-made-up.so.1", "/usr/share/doc/libfoo1"});
}

TEST_CASE("the real dpkg database, when there is one") {
  auto index = impact::PackageIndex::open();
  REQUIRE(index);
  if (!*index || (*index)->manager() != "dpkg") {
    return;
  }
  auto& packages = **index;
  CHECK(packages.installed("libc6"));
  // Whichever way the loader spells libc, dpkg knows its owner.
  CHECK(packages.owner("/lib/x86_64-linux-gnu/libc.so.6") == "libc6");
  CHECK(packages.owner("/usr/lib/x86_64-linux-gnu/libc.so.6") == "libc6");
  CHECK(packages.dependency_chain("libglib2.0-0", "libc6").size() >= 2);
}

namespace {

// HOME set for the scope, so that rpm reads the ~/.rpmmacros made there.
class ScopedHome {
public:
  explicit ScopedHome(const fs::path& home) {
    if (const char* old = std::getenv("HOME")) {
      m_old = old;
    }
    setenv("HOME", home.c_str(), 1);
  }
  ~ScopedHome() {
    if (m_old) {
      setenv("HOME", m_old->c_str(), 1);
    } else {
      unsetenv("HOME");
    }
  }
  ScopedHome(const ScopedHome&) = delete;
  ScopedHome& operator=(const ScopedHome&) = delete;

private:
  std::optional<std::string> m_old;
};

// A noarch package's spec: NAME owns FILE, provides PROVIDES and requires REQUIRES.
std::string spec_text(const std::string& name, const std::string& file, const std::string& provides,
                      const std::string& requires_) {
  std::string text =
      "Name: " + name + "\nVersion: 1\nRelease: 1\nSummary: x\nLicense: MIT\nBuildArch: noarch\n";
  text += provides.empty() ? "" : "Provides: " + provides + "\n";
  text += requires_.empty() ? "" : "Requires: " + requires_ + "\n";
  text += "%description\nx\n%install\nmkdir -p %{buildroot}" +
          fs::path{file}.parent_path().string() + "\necho x > %{buildroot}" + file + "\n%files\n" +
          file + "\n";
  return text;
}

} // namespace

TEST_CASE("rpm's database, where there is no dpkg") {
  const bool tools =
      std::system("command -v rpm >/dev/null && command -v rpmbuild >/dev/null") == 0;
  if (!tools) {
    MESSAGE("rpm and rpmbuild are not installed: skipped");
    return;
  }
  auto dir = util::TempDir::create(fs::temp_directory_path(), "unit", util::Stamp::no);
  REQUIRE(dir);
  const fs::path home = dir->path();
  // A database of our own: rpm reads its path from ~/.rpmmacros.
  std::ofstream{home / ".rpmmacros"} << "%_dbpath " << (home / "db").string() << "\n%_topdir "
                                     << (home / "build").string() << "\n";
  std::ofstream{home / "lib.spec"}
      << spec_text("libmadeup1", "/usr/lib/madeup/libmadeup.so.1", "libmadeup.so.1()(64bit)", "");
  std::ofstream{home / "tests.spec"} << spec_text(
      "madeup-tests", "/usr/share/installed-tests/madeup/a.test", "", "libmadeup.so.1()(64bit)");
  std::ofstream{home / "other.spec"}
      << spec_text("perl-madeup", "/usr/share/perl5/Madeup.pm", "perl(Madeup::Other)", "");
  ScopedHome scoped{home};
  const std::string build = "cd " + home.string() +
                            " && rpmbuild -bb lib.spec && rpmbuild -bb tests.spec && "
                            "rpmbuild -bb other.spec && rpm --initdb && "
                            "rpm -i --nodeps --justdb build/RPMS/noarch/*.rpm";
  REQUIRE(std::system(("(" + build + ") >/dev/null 2>&1").c_str()) == 0);

  auto index = impact::PackageIndex::open(home / "no-dpkg-here");
  REQUIRE(index);
  REQUIRE(*index);
  auto& packages = **index;
  CHECK(packages.manager() == "rpm");
  CHECK(packages.installed("madeup-tests"));
  CHECK_FALSE(packages.installed("libmadeup.so.1()(64bit)")); // a capability, not a package
  CHECK(packages.owner("/usr/share/installed-tests/madeup/a.test") == "madeup-tests");
  CHECK(packages.owner("/usr/lib/madeup/libmadeup.so.1") == "libmadeup1");
  // Requires resolved through the capability that provides it, by its exact name.
  CHECK(packages.dependency_chain("madeup-tests", "libmadeup1") ==
        Chain{"madeup-tests", "libmadeup1"});
  CHECK(packages.dependency_chain("madeup-tests", "perl-madeup").empty());
  CHECK(packages.files("libmadeup1") == std::vector<fs::path>{"/usr/lib/madeup/libmadeup.so.1"});
}
