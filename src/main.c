/*
 * ipcfs: the machine's IPC objects as files.  main() parses the command
 * line, prepares the state, mounts, daemonises only once the mount exists
 * (so `ipcfs DIR && ls DIR` works), runs the event loop and, on SIGTERM,
 * SIGINT, SIGHUP or an unmount, answers what is pending and unmounts.  No
 * IPC object is touched on the way out: they belong to the system.
 */
#define _GNU_SOURCE
#include "family.h"
#include "fs.h"
#include "ipcfs.h"
#include "log.h"
#include "mountpt.h"
#include "options.h"
#include "procfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#ifndef IPCFS_VERSION
#define IPCFS_VERSION "unknown"
#endif

/*
 * The families, in the root directory's order: the only place that
 * names them.  Adding one is a folder of its own (its struct family,
 * family.h), a line here and its meson entry.
 */
extern const struct family proc_family;
extern const struct family mq_family;
extern const struct family shm_family;

static const struct family *const families[] = {
	&proc_family,
	&mq_family,
	&shm_family,
};

/* libfuse's own messages go where ours go. */
static void fuse_log_ours(enum fuse_log_level level, const char *fmt,
			  va_list ap)
{
	char line[512];
	size_t n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	if (n && line[n - 1] == '\n')
		line[n - 1] = '\0';
	log_msg((int)level, "%s", line);
}

static void usage(const char *prog)
{
	printf("usage: %s [-f] [-d] [-o OPTIONS] [SOURCE] MOUNTPOINT\n"
	       "\n"
	       "Shows the machine's processes, POSIX message queues and POSIX\n"
	       "shared memory objects as files under MOUNTPOINT.\n"
	       "\n"
	       "  -f                     stay in the foreground\n"
	       "  -d, -o debug           foreground, and print every request\n"
	       "  -h, --help             print this help\n"
	       "  -V, --version          print the version\n"
	       "  -o mq_maxmsg=N         maxmsg of queues made with mkdir\n"
	       "                         (default: /proc/sys/fs/mqueue/msg_default)\n"
	       "  -o mq_msgsize=N        msgsize of queues made with mkdir\n"
	       "                         (default: /proc/sys/fs/mqueue/msgsize_default)\n"
	       "  -o max_user_fds=N      server fds one user may make it hold\n"
	       "                         (default: a fifth of its fd limit, less headroom)\n"
	       "  -o max_user_bytes=N    bytes one user may make it hold (default: 64 MiB)\n"
	       "  -o nopassthrough       serve shm files through the server, not by\n"
	       "                         kernel passthrough to the objects\n"
	       "  -o overmount           mount even where an ipcfs mount is already\n"
	       "                         (the new one hides the old one)\n"
	       "  -o allow_other         let all users use the mount (implies\n"
	       "                         default_permissions; needs user_allow_other\n"
	       "                         in /etc/fuse.conf unless root)\n"
	       "  -o default_permissions let the kernel check owners and modes\n"
	       "  -o auto_unmount        unmount when the server dies\n"
	       "  -o fsname=NAME, -o ro, -o nosuid, ...  the usual FUSE and mount options\n"
	       "\n"
	       "SOURCE is ignored; mount(8) passes it (`mount -t fuse.ipcfs ipcfs DIR`).\n"
	       "Unmount with `fusermount3 -u MOUNTPOINT`, umount, or SIGTERM to the server.\n"
	       "See ipcfs(1).\n",
	       prog);
}

/*
 * A mount point must be a directory, or the mount would stand on a file
 * that then fails with EIO for everyone; and a second ipcfs stacked on a
 * live one would leave a server running after `fusermount3 -u` (which
 * removes only the top one), so that takes -o overmount.  A dead FUSE
 * mount (its server killed) answers ENOTCONN: say how to clear it.
 */
static int check_mountpoint(const struct ipcfs_opts *o, char *err, size_t size)
{
	char real[PATH_MAX], type[64], *text;
	const char *dir = o->mountpoint;
	struct stat st;
	int r;

	if (stat(dir, &st)) {
		if (errno == ENOTCONN)
			snprintf(err, size,
				 "%s is a dead FUSE mount (its server "
				 "is gone): unmount it first with "
				 "fusermount3 -u %s",
				 dir, dir);
		else
			snprintf(err, size, "cannot mount on %s: %s", dir,
				 strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, size, "cannot mount on %s: not a directory", dir);
		return -1;
	}
	if (o->overmount || !realpath(dir, real) ||
	    procfile_read(AT_FDCWD, "/proc/self/mountinfo", &text, NULL))
		return 0;
	r = mountinfo_top(text, real, type, sizeof(type));
	free(text);
	if (r == 0 && strcmp(type, "fuse.ipcfs") == 0) {
		snprintf(err, size,
			 "%s is an ipcfs mount already: unmount it "
			 "first (fusermount3 -u %s), or give -o overmount",
			 dir, dir);
		return -1;
	}
	return 0;
}

/*
 * Reads and writes of /dev/fuse, as libfuse would do them, with the
 * passthrough bytes of passthru.c added on the way (INIT and the open
 * replies of shm files).  Called by the loop thread for requests and
 * replies, by the notifier thread for notices, and by the bulk worker
 * for its READ replies, which are never patched.
 */
static ssize_t io_read(int fd, void *buf, size_t len, void *userdata)
{
	struct ipcfs *fs = userdata;
	ssize_t n = read(fd, buf, len);

	if (n > 0 && !fs->pt.on)
		passthru_saw_request(&fs->pt, buf, (size_t)n);
	return n;
}

static ssize_t io_writev(int fd, struct iovec *iov, int count, void *userdata)
{
	struct ipcfs *fs = userdata;
	struct iovec *payload = count == 2 ? &iov[1] : NULL;
	void *orig = payload ? payload->iov_base : NULL;
	ssize_t n;

	if (!bulk_on_worker())
		passthru_patch_reply(&fs->pt, iov, count);
	n = writev(fd, iov, count);
	if (payload)
		payload->iov_base = orig;
	return n;
}

static int passthru_install(struct ipcfs *fs)
{
	static const struct fuse_custom_io io = {
		.read = io_read,
		.writev = io_writev,
	};

	fs->pt.wanted = !fs->opts.nopassthrough && passthru_capable();
	return fuse_session_custom_io(fs->se, &io, fuse_session_fd(fs->se));
}

/*
 * Each process looked up and each queue in use holds an fd: allow as many
 * as we may (root may raise the hard limit, up to 1M or fs.nr_open).
 */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	rlim_t want = 1 << 20;
	unsigned long nr_open;

	if (procfile_read_ulong("/proc/sys/fs/nr_open", ULONG_MAX, &nr_open) ==
		    0 &&
	    nr_open < want)
		want = nr_open;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_max < want) {
		struct rlimit more = { want, want };

		if (setrlimit(RLIMIT_NOFILE, &more) == 0)
			return;
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/*
 * Blocked in every thread from the start: the loop reads them from its
 * signalfd (the families' own signals are blocked as they register them,
 * loop_add_signal, also before any thread exists).
 */
static void block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void on_notifier_done(struct ipcfs *fs, struct watch *w, uint32_t events)
{
	(void)w;
	(void)events;
	fuse_session_exit(fs->se);
}

/*
 * The notifier may be inside the kernel, waiting for a directory lock
 * that a pending LOOKUP holds: keep answering requests until it is out,
 * or joining it would wait forever.
 */
static void stop_notifier(struct ipcfs *fs)
{
	int done_fd = notifier_stop_begin(&fs->notifier);

	if (done_fd >= 0 && !notifier_done(&fs->notifier) && fs->epfd >= 0 &&
	    loop_add(fs, &fs->notifier_watch, done_fd, EPOLLIN,
		     on_notifier_done) == 0) {
		fuse_session_reset(fs->se);
		loop_run(fs);
		loop_remove(fs, &fs->notifier_watch);
	}
	notifier_stop_finish(&fs->notifier);
}

/* The per-user caps, from the fd limit raise_fd_limit() left us. */
static int usage_setup(struct ipcfs *fs)
{
	struct usage_limits lim;
	struct rlimit rl;
	size_t nofile = 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		nofile = rl.rlim_cur == RLIM_INFINITY ||
					 rl.rlim_cur > (1 << 30) ?
				 (size_t)1 << 30 :
				 (size_t)rl.rlim_cur;
	usage_default_limits(&lim, nofile, (size_t)fs->opts.max_user_fds,
			     (size_t)fs->opts.max_user_bytes);
	if (fs->opts.debug)
		log_info("per user: %zu fds, %zu bytes; all but "
			 "root: %zu fds, %zu bytes",
			 lim.user_fds, lim.user_bytes, lim.pool_fds,
			 lim.pool_bytes);
	return usage_init(&fs->usage, &lim);
}

static int state_init(struct ipcfs *fs)
{
	int err;

	err = usage_setup(fs);
	if (err)
		return err;
	fs->server_uid = geteuid();
	fs->server_gid = getgid();
	fs->start_time = time(NULL);
	list_init(&fs->interrupted);
	list_init(&fs->parked);
	list_init(&fs->handles);
	err = creds_env_init(&fs->creds_env);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		fs->families[fs->nfamilies++].f = families[i];
	err = fs_check_families(fs);
	if (!err)
		err = loop_add_signal(fs, SIGUSR1, fs_log_state);
	if (!err)
		err = nodes_init(fs, &fs_root_ops);
	if (!err)
		err = fs_make_top(fs);
	for (size_t i = 0; !err && i < fs->nfamilies; i++) {
		struct family_slot *fam = &fs->families[i];

		err = fam->f->init(fs, &fam->state);
		fs->state_by_tag[fam->f->inum_tag] = fam->state;
		fam->inited = true;
		if (err)
			log_err("%s: %s", fam->f->name, strerror(-err));
	}
	return err;
}

/* Once the loop exists: each family watches its fds there. */
static int families_start(struct ipcfs *fs)
{
	for (size_t i = 0; i < fs->nfamilies; i++) {
		struct family_slot *fam = &fs->families[i];
		int err = fam->f->start ? fam->f->start(fs, fam->state) : 0;

		if (err) {
			log_err("%s: %s", fam->f->name, strerror(-err));
			return err;
		}
	}
	return 0;
}

/*
 * Safe on a partly initialised state: each part checks what it has.  The
 * nodes go first (they hold references on the families' objects), then
 * the families, last-first.
 */
static void state_fini(struct ipcfs *fs)
{
	nodes_fini(fs);
	for (size_t i = fs->nfamilies; i-- > 0;) {
		struct family_slot *fam = &fs->families[i];

		if (fam->inited)
			fam->f->fini(fs, fam->state);
		fs->state_by_tag[fam->f->inum_tag] = NULL;
		fam->state = NULL;
		fam->inited = false;
	}
	usage_fini(&fs->usage);
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct ipcfs fs;
	enum opts_action action;
	char err_text[256];
	int err, ret = 1;

	memset(&fs, 0, sizeof(fs));
	fs.sigfd = fs.epfd = -1;
	fuse_set_log_func(fuse_log_ours);
	if (opts_parse(&args, &fs.opts, &action, err_text, sizeof(err_text))) {
		log_err("%s (see ipcfs --help)", err_text);
		goto out_args;
	}
	if (action == OPTS_HELP) {
		usage(argv[0]);
		ret = 0;
		goto out_args;
	}
	if (action == OPTS_VERSION) {
		printf("ipcfs %s\n", IPCFS_VERSION);
		printf("libfuse %s\n", fuse_pkgversion());
		ret = 0;
		goto out_args;
	}

	if (check_mountpoint(&fs.opts, err_text, sizeof(err_text))) {
		log_err("%s", err_text);
		goto out_args;
	}
	block_signals();
	raise_fd_limit();
	err = state_init(&fs);
	if (err) {
		log_err("cannot start: %s", strerror(-err));
		goto out_state;
	}
	fs.se = fuse_session_new(&args, &ipcfs_ops, sizeof(ipcfs_ops), &fs);
	if (!fs.se) {
		log_err("bad mount options (see ipcfs --help)");
		goto out_state;
	}
	if (fuse_session_mount(fs.se, fs.opts.mountpoint)) {
		log_err("cannot mount on %s", fs.opts.mountpoint);
		goto out_session;
	}
	err = passthru_install(&fs);
	if (err) {
		log_err("cannot set up /dev/fuse I/O: %s", strerror(-err));
		goto out_unmount;
	}
	if (fuse_daemonize(fs.opts.foreground)) {
		log_err("cannot go to the background");
		goto out_unmount;
	}
	/* stderr is /dev/null now: what is said from here goes to syslog */
	if (!fs.opts.foreground)
		log_to_syslog(true);
	/* Threads only after the fork of fuse_daemonize(). */
	err = notifier_start(&fs.notifier, fs.se);
	if (!err)
		err = bulk_start(&fs.bulk, FS_MAX_IO);
	if (!err)
		err = loop_init(&fs);
	if (!err)
		err = families_start(&fs);
	if (!err)
		err = loop_run(&fs);
	if (err)
		log_err("%s", strerror(-err));
	ret = err ? 1 : fs.exit_status;
	/*
	 * The notifier first: stopping it may take answering a few more
	 * requests, which needs every open file still in place.  Then parked
	 * callers get ENOTCONN rather than hang on the unmount.
	 */
	stop_notifier(&fs);
	/* its queued reads answered before the files they read are closed */
	bulk_stop(&fs.bulk);
	fs_shutdown(&fs);
out_unmount:
	fuse_session_unmount(fs.se);
out_session:
	fuse_session_destroy(fs.se);
out_state:
	state_fini(&fs);
	loop_fini(&fs);
out_args:
	fuse_opt_free_args(&args);
	free(fs.opts.mountpoint);
	return ret;
}
