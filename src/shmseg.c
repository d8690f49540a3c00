/*
 * The shared memory family (placeholder until the queue issue lands):
 * shm/ exists and is empty.
 */
#define _GNU_SOURCE
#include "family.h"

#include <errno.h>

static int shm_lookup(struct ipcfs *fs, fuse_req_t req, struct node *dir,
		     const char *name, struct node **out)
{
	(void)fs, (void)req, (void)dir, (void)name, (void)out;
	return -ENOENT;
}

static int shm_getattr(struct ipcfs *fs, struct node *n, struct stat *st)
{
	attr_init(fs, st, n->id, S_IFDIR | 01777);
	return 0;
}

static void shm_timeouts(struct ipcfs *fs, struct node *n, double *entry,
			double *attr)
{
	(void)fs, (void)n;
	*entry = *attr = STABLE_TIMEOUT;
}

static int shm_readdir(struct ipcfs *fs, struct dir_handle *dh,
		      struct dirbuf *b, off_t off)
{
	(void)fs, (void)dh;
	if (off < 1 && !dirbuf_add(b, ".", INO_SHM, S_IFDIR, 1))
		return 0;
	if (off < 2)
		dirbuf_add(b, "..", INO_ROOT, S_IFDIR, 2);
	return 0;
}

const struct family_ops shm_family_ops = {
	.lookup = shm_lookup,
	.getattr = shm_getattr,
	.timeouts = shm_timeouts,
	.readdir = shm_readdir,
};


int shm_init(struct ipcfs *fs)
{
	(void)fs;
	return 0;
}

void shm_fini(struct ipcfs *fs)
{
	(void)fs;
}
