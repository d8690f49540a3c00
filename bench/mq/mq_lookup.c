/*
 * mq_lookup IPCFS_MNT SERVER_PID PREFIX N K: the server's instructions
 * per LOOKUP of one queue when N queues exist and the server holds an
 * object for nearly all of them (what `ls -l mq/` leaves behind).
 * Makes queues /PREFIX0 .. /PREFIX<N-1>, stats mq/PREFIX<i> for i >= K
 * through the mount (so the server has N - K queue objects), then counts
 * what the server's loop thread (its main thread) executes while this
 * program stats
 *   fresh:  mq/PREFIX0 .. PREFIX<K-1>, never looked up before: a LOOKUP
 *           that makes a node and a queue object;
 *   repeat: mq/PREFIX<N-K> .. PREFIX<N-1>, the last ones looked up:
 *           the LOOKUP of a known queue (queue directories have entry
 *           timeout 0, so the kernel asks again; if it did not, no
 *           request is seen and the figure says n/a).
 * Counting is by ptrace single-step of that thread (no PMU in this VM,
 * and valgrind cannot run a server that uses pidfd_open): user-mode
 * instructions, exact but for a handful at the edges.  Requests are the
 * reads from /dev/fuse that returned data; syscalls every `syscall`
 * instruction executed.  Unlinks every queue it made, also on failure.
 * mq_lookup -c PREFIX N only unlinks.  x86-64 only (else exit 77).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FUSE_FDS 8

struct counts {
	unsigned long long steps, syscalls, requests;
	int stats;
};

static const char *prefix;
static const char qmax[] = "/proc/sys/fs/mqueue/queues_max";
static long qmax_old = -1; /* to put back once the queues are gone */

static int write_long(const char *path, long v);

static void unlink_all(int n)
{
	char name[256];

	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "/%s%d", prefix, i);
		mq_unlink(name);
	}
	if (qmax_old >= 0 && write_long(qmax, qmax_old))
		fprintf(stderr, "cannot restore %s to %ld: %s\n", qmax,
			qmax_old, strerror(errno));
}

/* Makes queues [from, to) as user @uid (a child, so this one stays root). */
static int make_some(int from, int to, uid_t uid)
{
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 1 };
	char name[256];
	pid_t child = fork();
	int st;

	if (child < 0)
		return -1;
	if (child > 0)
		return waitpid(child, &st, 0) == child && WIFEXITED(st) &&
				       WEXITSTATUS(st) == 0 ?
			       0 :
			       -1;
	if (setresgid(uid, uid, uid) || setresuid(uid, uid, uid)) {
		perror("setresuid");
		_exit(1);
	}
	for (int i = from; i < to; i++) {
		mqd_t q;

		snprintf(name, sizeof(name), "/%s%d", prefix, i);
		q = mq_open(name, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
		if (q == (mqd_t)-1) {
			fprintf(stderr, "mq_open %s: %s\n", name,
				strerror(errno));
			_exit(1);
		}
		mq_close(q);
	}
	_exit(0);
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -1;
	err = fprintf(f, "%ld\n", v) < 0;
	return fclose(f) || err ? -1 : 0;
}

/*
 * Makes /PREFIX0 .. /PREFIX<n-1>.  Without CAP_SYS_RESOURCE (as in this
 * VM) two limits stand in the way: the system's queues_max is raised by
 * @n for the run (others may still make queues meanwhile) and put back by
 * unlink_all, and the 800 KiB of queue memory per user (RLIMIT_MSGQUEUE)
 * is met by making them as several users, 2,000 each.
 */
static int make_queues(int n)
{
	long old = read_long(qmax);
	int err = 0;

	if (old >= 0 && write_long(qmax, old + n) == 0)
		qmax_old = old;
	else
		fprintf(stderr, "cannot raise %s: %s\n", qmax, strerror(errno));
	for (int from = 0; from < n && !err; from += 2000)
		err = make_some(from, from + 2000 < n ? from + 2000 : n,
				(uid_t)(61000 + from / 2000));
	return err;
}

static int stat_range(const char *mnt, int from, int to)
{
	char path[4096];
	struct stat st;

	for (int i = from; i < to; i++) {
		snprintf(path, sizeof(path), "%s/mq/%s%d", mnt, prefix, i);
		if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "stat %s: %s\n", path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* CPU time the thread @tid has used, in clock ticks; -1 if unknown. */
static long long cpu_ticks(long tid)
{
	char path[64], buf[1024], *p;
	unsigned long long utime, stime;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/task/%ld/stat", tid, tid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the name may hold anything */
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u "
			 "%*u %llu %llu",
			 &utime, &stime) != 2)
		return -1;
	return (long long)(utime + stime);
}

/*
 * Waits until the server's loop thread has used no CPU for 300 ms: the
 * inotify events of the queues just made (one walk of the queue objects
 * each, in name_changed) must be behind it, or the count would include
 * them.  At most a minute.
 */
static void wait_idle(long tid)
{
	long long last = cpu_ticks(tid), now;
	int quiet = 0;

	for (int i = 0; i < 600 && quiet < 3; i++) {
		usleep(100 * 1000);
		now = cpu_ticks(tid);
		quiet = now == last ? quiet + 1 : 0;
		last = now;
	}
}

/* The server's descriptors on /dev/fuse (the session's, and clones). */
static int fuse_fds(long pid, int *fds)
{
	char dir[64], link[64 + 256], target[256];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%ld/fd", pid);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < MAX_FUSE_FDS) {
		ssize_t len;

		snprintf(link, sizeof(link), "%s/%s", dir, de->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			continue;
		target[len] = '\0';
		if (strcmp(target, "/dev/fuse") == 0)
			fds[n++] = atoi(de->d_name);
	}
	closedir(d);
	return n;
}

#if defined(__x86_64__)
static bool is_fuse_read(const struct user_regs_struct *r, const int *fds,
			 int nfds)
{
	/* read, readv, splice: how libfuse takes a request */
	if (r->rax != 0 && r->rax != 19 && r->rax != 275)
		return false;
	for (int i = 0; i < nfds; i++)
		if ((long long)r->rdi == fds[i])
			return true;
	return false;
}

/* Is a SIGTRAP queued for thread @tid (a step it has not reported)? */
static bool trap_pending(pid_t tid)
{
	char path[64], line[256];
	bool pending = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "SigPnd:", 7) == 0)
			pending = strtoull(line + 7, NULL, 16) &
				  (1ULL << (SIGTRAP - 1));
	fclose(f);
	return pending;
}

/*
 * Detaches from @tid, which was left single-stepping.  A step's SIGTRAP
 * still queued at the detach would be delivered for real and kill the
 * server, so it is let go only from the SIGTRAP's own stop (suppressed)
 * or from a stop with none queued.
 */
static void let_go(pid_t tid)
{
	int st;

	ptrace(PTRACE_INTERRUPT, tid, 0, 0);
	while (waitpid(tid, &st, __WALL) == tid) {
		if (!WIFSTOPPED(st))
			return;
		if ((st >> 16) == 0 && WSTOPSIG(st) != SIGTRAP) {
			ptrace(PTRACE_DETACH, tid, 0,
			       (void *)(long)WSTOPSIG(st));
			return;
		}
		if ((st >> 16) == 0 || !trap_pending(tid)) {
			ptrace(PTRACE_DETACH, tid, 0, 0);
			return;
		}
		/* an event stop with a trap behind it: go on to the trap */
		ptrace(PTRACE_CONT, tid, 0, 0);
	}
}

/*
 * Single-steps thread @tid while a child stats mq/PREFIX<from..to-1>,
 * until that child exits.  0 or -1.
 */
static int trace_stats(const char *mnt, pid_t tid, int from, int to,
		       struct counts *c)
{
	int fds[MAX_FUSE_FDS], nfds = fuse_fds(tid, fds);
	int go[2], st, err = -1;
	bool at_read = false, stepping = false;
	pid_t child, w;

	memset(c, 0, sizeof(*c));
	c->stats = to - from;
	if (!nfds || pipe(go))
		return -1;
	child = fork();
	if (child < 0)
		return -1;
	if (child == 0) {
		char b;

		close(go[1]);
		if (read(go[0], &b, 1) != 1)
			_exit(2);
		_exit(stat_range(mnt, from, to) ? 1 : 0);
	}
	close(go[0]);
	if (ptrace(PTRACE_SEIZE, tid, 0, 0) ||
	    ptrace(PTRACE_INTERRUPT, tid, 0, 0)) {
		perror("ptrace(PTRACE_SEIZE)");
		goto out_child;
	}
	if (waitpid(tid, &st, __WALL) != tid || !WIFSTOPPED(st)) {
		ptrace(PTRACE_DETACH, tid, 0, 0);
		goto out_child;
	}
	if (write(go[1], "g", 1) != 1 || ptrace(PTRACE_SINGLESTEP, tid, 0, 0)) {
		ptrace(PTRACE_DETACH, tid, 0, 0); /* stopped: no trap queued */
		goto out_child;
	}
	stepping = true;
	for (;;) {
		struct user_regs_struct r;
		int sig = 0;

		w = waitpid(-1, &st, __WALL);
		if (w == child) {
			err = WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
			child = -1;
			break;
		}
		if (w != tid)
			continue;
		if (!WIFSTOPPED(st)) {
			fprintf(stderr, "the server ended under trace\n");
			stepping = false;
			goto out_child;
		}
		if (WSTOPSIG(st) == SIGTRAP && (st >> 16) == 0) {
			c->steps++;
			if (ptrace(PTRACE_GETREGS, tid, 0, &r) == 0) {
				long word;

				if (at_read && (long long)r.rax > 0)
					c->requests++;
				at_read = false;
				errno = 0;
				word = ptrace(PTRACE_PEEKTEXT, tid,
					      (void *)r.rip, 0);
				if (!errno && (word & 0xffff) == 0x050f) {
					c->syscalls++;
					at_read = is_fuse_read(&r, fds, nfds);
				}
			}
		} else if ((st >> 16) == 0) {
			sig = WSTOPSIG(st); /* a signal for it: pass it on */
		}
		ptrace(PTRACE_SINGLESTEP, tid, 0, (void *)(long)sig);
	}
	let_go(tid);
out_child:
	close(go[1]);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, &st, 0);
		if (stepping)
			let_go(tid);
	}
	return err;
}
#endif

static void print_counts(const char *what, int n, const struct counts *c)
{
	if (!c->requests) {
		printf("%-6s N=%-6d %d stats, no request reached the server: "
		       "n/a\n",
		       what, n, c->stats);
		return;
	}
	printf("%-6s N=%-6d %d stats, %.2f requests each; per stat: %.0f "
	       "instructions, %.1f syscalls\n",
	       what, n, c->stats, (double)c->requests / c->stats,
	       (double)c->steps / c->stats, (double)c->syscalls / c->stats);
	/* for the script: one line it can pick up */
	printf("RESULT %s %d %.0f\n", what, n, (double)c->steps / c->stats);
}

int main(int argc, char *argv[])
{
	struct counts fresh, repeat;
	const char *mnt;
	long pid;
	int n, k, err = 1;

	if (argc == 4 && strcmp(argv[1], "-c") == 0) {
		prefix = argv[2];
		unlink_all(atoi(argv[3]));
		return 0;
	}
	if (argc != 6) {
		fprintf(stderr,
			"usage: mq_lookup IPCFS_MNT SERVER_PID PREFIX N K\n"
			"       mq_lookup -c PREFIX N\n");
		return 2;
	}
#if !defined(__x86_64__)
	printf("mq_lookup counts instructions on x86-64 only: skipped\n");
	return 77;
#else
	mnt = argv[1];
	pid = atol(argv[2]);
	prefix = argv[3];
	n = atoi(argv[4]);
	k = atoi(argv[5]);
	if (n < 2 * k || k < 1) {
		fprintf(stderr, "need N >= 2K, K >= 1\n");
		return 2;
	}
	if (make_queues(n))
		goto out;
	wait_idle(pid);
	if (stat_range(mnt, k, n))
		goto out;
	wait_idle(pid);
	if (trace_stats(mnt, (pid_t)pid, 0, k, &fresh))
		goto out_trace;
	wait_idle(pid);
	if (trace_stats(mnt, (pid_t)pid, n - k, n, &repeat))
		goto out_trace;
	print_counts("fresh", n, &fresh);
	print_counts("repeat", n, &repeat);
	err = 0;
	goto out;
out_trace:
	fprintf(stderr, "tracing the server failed\n");
out:
	unlink_all(n);
	return err;
#endif
}
