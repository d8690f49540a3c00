#!/bin/bash
# Runs the server under valgrind (memcheck, definite leaks are errors),
# for the shm test scripts run directly (meson test sets IPCFS itself):
#   IPCFS_REAL=$PWD/build/ipcfs IPCFS=$PWD/tests/shm/valgrind-ipcfs.sh \
#   HELPERS=$PWD/build/tests TESTS_SRC=$PWD/tests tests/shm/shm_mmap.sh
# The tests check that the server exits 0 when unmounted, so any error
# valgrind finds fails them; its report is in $VALGRIND_LOG_DIR.
dir=${VALGRIND_LOG_DIR:-/tmp}
exec valgrind --quiet --error-exitcode=99 --leak-check=full \
	--errors-for-leak-kinds=definite --track-fds=no \
	--log-file="$dir/ipcfs-valgrind.%p.log" "${IPCFS_REAL:?set IPCFS_REAL}" "$@"
