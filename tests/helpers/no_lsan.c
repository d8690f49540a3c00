/*
 * Linked into every test helper.  The tests run helpers with real and
 * effective ids that differ (setuid and setgid callers), where the
 * sanitizer runtime ignores ASAN_OPTIONS (secure mode) and LeakSanitizer
 * cannot run at all: it is turned off in them here.  The server keeps it.
 */
int __lsan_is_turned_off(void);

int __lsan_is_turned_off(void)
{
	return 1;
}
