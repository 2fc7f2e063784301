/* glib_assert: a GLib program whose g_assert() fails in check_with_glib(). */
#undef G_DISABLE_ASSERT
#include <glib.h>

__attribute__((noinline)) static void check_with_glib(const char *expected) {
    g_autofree char *found = g_strdup("something else");
    g_assert(g_str_equal(found, expected));
}

int main(void) {
    check_with_glib("the expected value");
    return 0; /* not reached */
}
