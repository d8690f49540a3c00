/*
 * The logging layer (log.h).  Where messages go is one fact of the whole
 * process, set once by main() after daemonising, so it is the one piece
 * of state kept in this file rather than in struct ipcfs: the notifier
 * thread and the loop may both log, and both see the same sink.
 * stderr lines are written whole with one write() (prefix included), so
 * lines of two threads never interleave.
 */
#define _GNU_SOURCE
#include "log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static atomic_bool use_syslog;

void log_to_syslog(bool on)
{
	if (on)
		openlog("ipcfs", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	atomic_store(&use_syslog, on);
}

void log_msg(int prio, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (atomic_load(&use_syslog)) {
		vsyslog(prio, fmt, ap);
		va_end(ap);
		return;
	}
	n = snprintf(line, sizeof(line), "ipcfs: ");
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0) {
		/* nowhere left to say it */
	}
}
