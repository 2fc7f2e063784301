/* hang_tree [N [READY]]: a tree of N processes (default 2) that hang until killed.
 *
 * The parent forks N-1 children; the first calls setsid() first, as a daemon would. Each child
 * hangs in hang_in_child(), the parent in hang_in_parent(), both kept out of line so that they
 * show in stacks. Once every child is in place, the parent prints "ready" on stdout and, given
 * READY (a FIFO the test script reads), writes "ready" there too. (Pids are not written: in the
 * test's PID namespace they are not the ones the script sees.) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((noinline)) static void hang_in_child(void) {
    for (;;) {
        pause();
    }
}

__attribute__((noinline)) static void hang_in_parent(void) {
    for (;;) {
        pause();
    }
}

int main(int argc, char **argv) {
    const int n = argc > 1 ? atoi(argv[1]) : 2;
    const char *ready = argc > 2 ? argv[2] : NULL;
    int in_place[2];
    char byte;

    if (n < 1 || pipe(in_place) != 0) {
        fprintf(stderr, "usage: hang_tree [N>=1 [READY]]\n");
        return 2;
    }
    for (int i = 1; i < n; i++) {
        const pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return 1;
        }
        if (pid == 0) {
            if (i == 1 && setsid() < 0) {
                perror("setsid");
                _exit(1);
            }
            /* In place: the parent may say so once every child wrote its byte. */
            if (write(in_place[1], "x", 1) != 1) {
                _exit(1);
            }
            close(in_place[0]);
            close(in_place[1]);
            hang_in_child();
        }
    }
    close(in_place[1]);
    for (int i = 1; i < n; i++) {
        if (read(in_place[0], &byte, 1) != 1) {
            fprintf(stderr, "hang_tree: a child ended before it was in place\n");
            return 1;
        }
    }
    close(in_place[0]);
    printf("ready\n");
    fflush(stdout);
    if (ready) {
        /* Without O_CREAT: fs.protected_fifos refuses that on another user's FIFO in /tmp. */
        const int fd = open(ready, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "ready\n", 6) != 6) {
            perror(ready);
            return 1;
        }
        close(fd);
    }
    hang_in_parent();
    return 0;
}
