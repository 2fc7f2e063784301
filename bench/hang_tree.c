/* hang-tree N: a tree of N processes that hang, for bench/backtrace.sh.
 *
 * The first process forks N - 1 children, then prints "ready" once every child has reached the
 * function it hangs in, and hangs itself. Each process waits in pause() in a function of its own
 * name (parent_hangs, child_hangs), so a stack taken of it names where it is. SIGTERM or SIGINT
 * to the first process kills its children and reaps them before it exits, so that nothing is
 * left, not even a zombie; a child also dies with its parent however that dies (PR_SET_PDEATHSIG).
 * SIGTERM to a child, as the runner sends at a timeout, ends it.
 *
 * Built with -g by bench/meson.build; not installed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* What each process hangs for, where a debugger can read it. */
static volatile int hang_index;
static volatile int hang_children;

/* Kept out of line and apart (noipa: GCC would otherwise fold two functions of the same code
 * into one), so that each is a frame of its own name in a stack. */
__attribute__((noinline, noipa)) static void child_hangs(int index) {
    hang_index = index;
    for (;;) {
        pause();
    }
}

static volatile sig_atomic_t stopping;

static void on_stop(int signo) {
    (void)signo;
    stopping = 1;
}

/* Until SIGTERM or SIGINT. */
__attribute__((noinline, noipa)) static void parent_hangs(int children) {
    hang_children = children;
    while (!stopping) {
        pause();
    }
}

/* Kills the children and reaps them. */
static void end_children(const pid_t *children, long count) {
    for (long i = 0; i < count; i++) {
        kill(children[i], SIGKILL);
    }
    for (long i = 0; i < count; i++) {
        while (waitpid(children[i], NULL, 0) < 0 && errno == EINTR) {
        }
    }
}

int main(int argc, char **argv) {
    char *end = NULL;
    long n = argc == 2 ? strtol(argv[1], &end, 10) : 0;
    if (argc != 2 || *end != '\0' || n < 1 || n > 4096) {
        fprintf(stderr, "usage: hang-tree N   (1 <= N <= 4096 processes in all)\n");
        return 2;
    }
    struct sigaction stop = {0};
    stop.sa_handler = on_stop; /* no SA_RESTART: pause() and read() return */
    sigemptyset(&stop.sa_mask);
    sigaction(SIGTERM, &stop, NULL);
    sigaction(SIGINT, &stop, NULL);
    pid_t *children = calloc((size_t)n, sizeof *children);
    int ready[2];
    if (children == NULL || pipe(ready) != 0) {
        perror("hang-tree");
        return 1;
    }
    const pid_t parent = getpid();
    long forked = 0;
    for (long i = 1; i < n; i++) {
        const pid_t pid = fork();
        if (pid < 0) {
            perror("hang-tree: fork");
            end_children(children, forked);
            return 1;
        }
        if (pid == 0) {
            signal(SIGTERM, SIG_DFL);
            signal(SIGINT, SIG_DFL);
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) { /* the parent died before the prctl */
                _exit(1);
            }
            close(ready[0]);
            /* One byte: this child is about to hang. */
            while (write(ready[1], "", 1) < 0 && errno == EINTR) {
            }
            close(ready[1]);
            child_hangs((int)i);
            _exit(0);
        }
        children[forked++] = pid;
    }
    close(ready[1]);
    char buf[256];
    long seen = 0;
    while (seen < n - 1 && !stopping) {
        const ssize_t got = read(ready[0], buf, sizeof buf);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            fprintf(stderr, "hang-tree: only %ld of %ld children started\n", seen, n - 1);
            end_children(children, forked);
            return 1;
        }
        seen += got;
    }
    close(ready[0]);
    if (!stopping) {
        printf("ready\n");
        fflush(stdout);
        parent_hangs((int)(n - 1));
    }
    end_children(children, forked);
    free(children);
    return 0;
}
