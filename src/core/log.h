/*
 * Runtime messages: one place every part of the server says something
 * through.  In the foreground (-f, -d) they go to stderr; once the server
 * has gone to the background, where stderr is /dev/null, they go to
 * syslog (the journal, on systemd machines) as "ipcfs[PID]".  Any thread.
 */
#ifndef IPCFS_LOG_H
#define IPCFS_LOG_H

#include <stdbool.h>
#include <syslog.h>

/* From now on to syslog (true) or stderr (false). */
void log_to_syslog(bool on);

/* One line, without the trailing newline; @prio is a syslog priority. */
__attribute__((format(printf, 2, 3))) void log_msg(int prio, const char *fmt,
						   ...);

#define log_err(...) log_msg(LOG_ERR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARNING, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)

#endif
