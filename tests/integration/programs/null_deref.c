/* null_deref: dereferences NULL in crash_on_null(), on a thread of its own while the main
 * thread waits for it, so that the thread marked as crashed is not simply the first one. */
#include <pthread.h>
#include <stdio.h>

__attribute__((noinline)) static int crash_on_null(int *volatile pointer) {
    return *pointer;
}

static void *crasher(void *arg) {
    (void)arg;
    printf("about to dereference NULL\n");
    fflush(stdout);
    return (void *)(long)crash_on_null(NULL);
}

int main(void) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, crasher, NULL) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    pthread_join(thread, NULL);
    return 0; /* not reached */
}
