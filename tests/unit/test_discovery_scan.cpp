#include "discovery/roots.hpp"
#include "discovery/scan.hpp"
#include "util/temp_dir.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>

using namespace ginsttest;
namespace fs = std::filesystem;

namespace {

void touch(const fs::path& p, const std::string& text = "[Test]\n") {
  fs::create_directories(p.parent_path());
  std::ofstream{p} << text;
}

std::vector<std::string> names(const std::vector<discovery::TestFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) {
    out.push_back(f.name);
  }
  return out;
}

} // namespace

TEST_CASE("data dirs come from --dir, else XDG_DATA_DIRS, else the default") {
  CHECK(discovery::data_dirs({"/a", "/b"}, "/x:/y", false) == std::vector<fs::path>{"/a", "/b"});
  CHECK(discovery::data_dirs({}, "/x::/y", false) == std::vector<fs::path>{"/x", "/y"});
  CHECK(discovery::data_dirs({}, "", false) ==
        std::vector<fs::path>{"/usr/local/share", "/usr/share"});
  CHECK(discovery::data_dirs({}, "/x:/y", true) == std::vector<fs::path>{"/x"});
  CHECK(discovery::data_dirs({"/a", "/b"}, "", true) == std::vector<fs::path>{"/a"});
}

TEST_CASE("roots are the existing installed-tests dirs, without repeats") {
  auto tmp = util::TempDir::create(fs::temp_directory_path(), "scan");
  REQUIRE(tmp);
  const auto a = tmp->path() / "a";
  const auto b = tmp->path() / "b";
  fs::create_directories(a / "installed-tests");
  fs::create_directories(b); // no installed-tests inside
  const auto roots = discovery::installed_test_roots({a, b, a / ""});
  CHECK(roots == std::vector<fs::path>{a / "installed-tests"});
}

TEST_CASE("scan recurses, keeps only *.test files, sorts, and the first root wins") {
  auto tmp = util::TempDir::create(fs::temp_directory_path(), "scan");
  REQUIRE(tmp);
  const auto r1 = tmp->path() / "one/installed-tests";
  const auto r2 = tmp->path() / "two/installed-tests";
  touch(r1 / "glib/b.test");
  touch(r1 / "glib/deep/er/c.test");
  touch(r1 / "glib/readme.txt");
  touch(r1 / "glib/.test"); // a bare suffix is not a test name
  touch(r2 / "glib/b.test");
  touch(r2 / "glib/a.test");
  fs::create_directories(r1 / "glib/dir.test"); // a directory named *.test is walked into
  touch(r1 / "glib/dir.test/d.test");
  // A symlink loop must not hang the scan.
  fs::create_directory_symlink(r1 / "glib", r1 / "glib/deep/loop");

  std::vector<std::string> warnings;
  const auto catalog = discovery::scan({r1, r2}, warnings);
  const auto& files = catalog.files;
  CHECK(names(files) == std::vector<std::string>{"glib/a.test", "glib/b.test",
                                                 "glib/deep/er/c.test", "glib/dir.test/d.test"});
  CHECK(catalog.locate(files[0]).root == r2);
  CHECK(catalog.locate(files[1]).root == r1);
  CHECK(catalog.locate(files[1]).file == r1 / "glib/b.test");
  CHECK(warnings.empty());
}

TEST_CASE("an unreadable directory is a warning, not the end of the scan") {
  if (::geteuid() == 0) {
    return; // root reads everything
  }
  auto tmp = util::TempDir::create(fs::temp_directory_path(), "scan");
  REQUIRE(tmp);
  const auto root = tmp->path() / "installed-tests";
  touch(root / "ok/a.test");
  fs::create_directories(root / "closed");
  fs::permissions(root / "closed", fs::perms::none);
  std::vector<std::string> warnings;
  const auto catalog = discovery::scan({root}, warnings);
  CHECK(names(catalog.files) == std::vector<std::string>{"ok/a.test"});
  CHECK(warnings.size() == 1);
}
