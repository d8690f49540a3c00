/*
 * How the shm helper programs reach an object: a POSIX name ("/shmem",
 * one leading slash and no other) goes to shm_open(3), as the lecture's
 * programs do; anything else is a file path (normally shm/<name> of an
 * ipcfs mount) opened with open(2).  So every helper can stand on either
 * side of the tree.
 */
#ifndef SHMOBJ_H
#define SHMOBJ_H

#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

static inline int obj_open(const char *obj, int flags, mode_t mode)
{
	if (obj[0] == '/' && !strchr(obj + 1, '/'))
		return shm_open(obj, flags, mode);
	return open(obj, flags, mode);
}

static inline int obj_unlink(const char *obj)
{
	if (obj[0] == '/' && !strchr(obj + 1, '/'))
		return shm_unlink(obj);
	return unlink(obj);
}

#endif
