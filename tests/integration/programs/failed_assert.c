/* failed_assert: an assert() that fails in check_invariant() (SIGABRT). */
#undef NDEBUG
#include <assert.h>
#include <stdlib.h>

__attribute__((noinline)) static void check_invariant(int items, int expected) {
    assert(items == expected);
}

int main(int argc, char **argv) {
    (void)argv;
    check_invariant(argc, 42);
    return 0; /* not reached */
}
