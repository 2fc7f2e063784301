#include "core/file_name.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

using namespace ginsttest;

TEST_CASE("the usual names become file names as gdtr writes them") {
  CHECK(core::test_file_name("glib/timer.test") == "glib_timer.test");
  CHECK(core::test_file_name("top.test") == "top.test");
  CHECK(core::test_file_name("gtk-4.0/gtk/label.test") == "gtk-4.0_gtk_label.test");
}

TEST_CASE("'_' and '%' are escaped, so that no two names share a file") {
  CHECK(core::test_file_name("a_b.test") == "a%5Fb.test");
  CHECK(core::test_file_name("a%5Fb.test") == "a%255Fb.test");
  CHECK(core::test_file_name("100%.test") == "100%25.test");
  CHECK(core::test_file_name(".") == "%2E");
  CHECK(core::test_file_name("..") == "%2E%2E");
  CHECK(core::test_file_name(".hidden.test") == ".hidden.test");

  const std::set<std::string> names{"a/b.test",  "a_b.test",   "a%5Fb.test", "a%2Fb.test",
                                    "a/_b.test", "a_/b.test",  "a__b.test",  "a//b.test",
                                    "a%b.test",  "a%25b.test", ".",          ".."};
  std::set<std::string> files;
  for (const auto& name : names) {
    files.insert(core::test_file_name(name));
  }
  CHECK(files.size() == names.size());
}

TEST_CASE("a file name reads back as its test's name") {
  for (const std::string& name : std::vector<std::string>{
           "glib/timer.test", "a_b.test", "a%5Fb.test", "a/_%/b.test", "100%", ".", "..",
           "dir/ünïcödé_ñame.test", "grp/" + std::string(240, 'x') + ".test"}) {
    const auto file = core::test_file_name(name);
    CAPTURE(file);
    CHECK(core::test_name_of_file(file) == name);
  }
}

TEST_CASE("what test_file_name cannot have made reads back as nothing") {
  CHECK_FALSE(core::test_name_of_file("a%5fb.test")); // lower case
  CHECK_FALSE(core::test_name_of_file("%41.test"));   // "A" is not escaped
  CHECK_FALSE(core::test_name_of_file("a%2.test"));
  CHECK_FALSE(core::test_name_of_file("a%"));
  CHECK_FALSE(core::test_name_of_file("%2Ex"));
  CHECK(core::test_name_of_file("") == "");
}

TEST_CASE("a name too long for a file name is cut and hashed") {
  // 255 bytes: fits as a directory, not with ".txt".
  const std::string name = "grp/" + std::string(246, 'x') + ".test";
  REQUIRE(name.size() == 255);
  CHECK(core::test_file_name(name) == "grp_" + std::string(246, 'x') + ".test");
  const auto log = core::test_file_name(name, core::max_file_name - 4);
  CHECK(log.size() == 251);
  // `printf %s grp/xxx...x.test | sha256sum`
  CHECK(log == "grp_" + std::string(229, 'x') + "%~" + "27bca06d50823985");
  CHECK_FALSE(core::test_name_of_file(log));
  // Stable, and different for names that differ only past the cut.
  CHECK(core::test_file_name(name, 251) == log);
  const std::string other = "grp/" + std::string(246, 'x') + ".tesT";
  CHECK(core::test_file_name(other, 251) != log);
  CHECK(core::test_file_name(other, 251).substr(0, 233) == log.substr(0, 233));
}

TEST_CASE("the cut never splits an escape or a UTF-8 character") {
  for (std::size_t pad = 0; pad < 4; pad++) {
    const std::string escapes = std::string(pad, 'p') + std::string(100, '_');
    const auto cut = core::test_file_name(escapes, 64);
    CAPTURE(cut);
    CHECK(cut.size() <= 64);
    const auto before_mark = cut.substr(0, cut.find("%~"));
    CHECK((before_mark.size() - pad) % 3 == 0);

    const std::string accents = std::string(pad, 'p') + [] {
      std::string s;
      for (int i = 0; i < 50; i++) {
        s += "é";
      }
      return s;
    }();
    const auto cut_accents = core::test_file_name(accents, 64);
    CAPTURE(cut_accents);
    CHECK(cut_accents.size() <= 64);
    CHECK((cut_accents.find("%~") - pad) % 2 == 0);
  }
}

TEST_CASE("each run of a test has a file name of its own") {
  CHECK(core::test_run_file_name("glib/timer.test", 1) == "glib_timer.test");
  CHECK(core::test_run_file_name("glib/timer.test", 2) == "glib_timer.test@2");
  const std::string long_name(300, 'x');
  const auto cut = core::test_run_file_name(long_name + ".test", 12, 100);
  CHECK(cut.size() <= 100);
  CHECK(cut.ends_with("@12"));
}
