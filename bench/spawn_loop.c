/* spawn-loop: the lower bound a test runner is compared against.
 *
 * For each of N iterations: make a fresh directory in $TMPDIR (or /tmp),
 * create an empty ".testtmp" stamp in it, spawn /bin/true with that
 * directory as its working directory and /dev/null as stdin, wait for it,
 * then remove the stamp and the directory.  This is the bare work a runner
 * has to do per test, without parsing, scheduling, output capture or
 * reporting.
 *
 * Usage: spawn-loop N [PARALLEL]
 *   PARALLEL (default 1) keeps up to that many children running at once
 *   from a single process, reaping with waitpid(-1).
 *
 * Exit status: 0 if every child exited 0, 1 otherwise.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define STAMP_NAME ".testtmp"
#define MAX_PARALLEL 256

struct slot {
    pid_t pid;
    char dir[PATH_MAX];
    char stamp[PATH_MAX];
};

static const char *tmp_root;
static char *const child_argv[] = { (char *) "/bin/true", NULL };

static void die(const char *what)
{
    fprintf(stderr, "spawn-loop: %s: %s\n", what, strerror(errno));
    exit(1);
}

static long parse_count(const char *s, const char *what)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0) {
        fprintf(stderr, "spawn-loop: invalid %s: %s\n", what, s);
        exit(2);
    }
    return v;
}

/* Prepare the slot's directory and stamp, then spawn the child in it. */
static void start(struct slot *s)
{
    int n = snprintf(s->dir, sizeof s->dir, "%s/spawn-loop-XXXXXX", tmp_root);
    if (n < 0 || (size_t) n >= sizeof s->dir) {
        errno = ENAMETOOLONG;
        die("temporary directory name");
    }
    if (mkdtemp(s->dir) == NULL)
        die("mkdtemp");

    n = snprintf(s->stamp, sizeof s->stamp, "%s/" STAMP_NAME, s->dir);
    if (n < 0 || (size_t) n >= sizeof s->stamp) {
        errno = ENAMETOOLONG;
        die("stamp name");
    }
    int fd = open(s->stamp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        die("create stamp");
    close(fd);

    posix_spawn_file_actions_t fa;
    int rc = posix_spawn_file_actions_init(&fa);
    if (rc == 0)
        rc = posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (rc == 0)
        rc = posix_spawn_file_actions_addchdir_np(&fa, s->dir);
    if (rc == 0)
        rc = posix_spawn(&s->pid, child_argv[0], &fa, NULL, child_argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        errno = rc;
        die("posix_spawn");
    }
}

/* Remove what start() created. */
static void finish(struct slot *s)
{
    if (unlink(s->stamp) != 0)
        die("unlink stamp");
    if (rmdir(s->dir) != 0)
        die("rmdir");
    s->pid = 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s N [PARALLEL]\n", argv[0]);
        return 2;
    }
    long total = parse_count(argv[1], "iteration count");
    long parallel = argc > 2 ? parse_count(argv[2], "parallelism") : 1;
    if (parallel < 1)
        parallel = 1;
    if (parallel > MAX_PARALLEL)
        parallel = MAX_PARALLEL;

    tmp_root = getenv("TMPDIR");
    if (tmp_root == NULL || tmp_root[0] == '\0')
        tmp_root = "/tmp";

    static struct slot slots[MAX_PARALLEL];
    long started = 0, running = 0;
    int failed = 0;

    while (started < total || running > 0) {
        /* Fill free slots. */
        for (long i = 0; i < parallel && started < total; i++) {
            if (slots[i].pid == 0) {
                start(&slots[i]);
                started++;
                running++;
            }
        }

        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            die("waitpid");
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed = 1;
        for (long i = 0; i < parallel; i++) {
            if (slots[i].pid == pid) {
                finish(&slots[i]);
                running--;
                break;
            }
        }
    }

    return failed;
}
