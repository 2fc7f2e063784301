#include "discovery/select.hpp"

#include <doctest/doctest.h>

using namespace ginsttest;

TEST_CASE("no prefix and no exclude selects everything") {
  auto s = discovery::Selector::create({}, {});
  REQUIRE(s);
  CHECK(s->selects("glib/timer.test"));
}

TEST_CASE("prefixes match the start of the name, as gdtr does") {
  auto s = discovery::Selector::create({"glib/", "gtk"}, {});
  REQUIRE(s);
  CHECK(s->selects("glib/timer.test"));
  CHECK(s->selects("gtk-4.0/gdk/a.test"));
  CHECK_FALSE(s->selects("glib-networking/a.test"));
  CHECK_FALSE(s->selects("x/glib/a.test"));
}

TEST_CASE("excludes are unanchored regular expressions, any of them drops the test") {
  auto s = discovery::Selector::create({}, {"timer", "^gtk.*/gdk/"});
  REQUIRE(s);
  CHECK_FALSE(s->selects("glib/timer.test"));
  CHECK_FALSE(s->selects("gtk-4.0/gdk/a.test"));
  CHECK(s->selects("gtk-4.0/gtk/a.test"));
}

TEST_CASE("prefix and exclude combine") {
  auto s = discovery::Selector::create({"glib/"}, {"slow"});
  REQUIRE(s);
  CHECK(s->selects("glib/fast.test"));
  CHECK_FALSE(s->selects("glib/slow.test"));
  CHECK_FALSE(s->selects("gio/fast.test"));
}

TEST_CASE("an invalid expression is an error naming it") {
  auto s = discovery::Selector::create({}, {"(unclosed"});
  REQUIRE_FALSE(s);
  CHECK(s.error().what.find("(unclosed") != std::string::npos);
}
