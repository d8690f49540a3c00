/*
 * A hash table keyed by a 64-bit number, with the node embedded in each
 * element (like list.h), so inserting never allocates an element and
 * finding one is O(1) however many there are.  Sizes are powers of two:
 * the table doubles when it holds more elements than buckets and halves
 * when it holds fewer than a quarter.  Keys may repeat: htab_find and
 * htab_next give the elements of one key in the order they went in.
 * No locking: the owner's thread only.
 */
#ifndef IPCFS_HTAB_H
#define IPCFS_HTAB_H

#include <stddef.h>
#include <stdint.h>

struct htab_node {
	struct htab_node *next; /* in its bucket, oldest first */
	uint64_t key;
};

struct htab {
	struct htab_node **buckets; /* 1 << bits of them, NULL if none yet */
	unsigned int bits;
	size_t count;
};

void htab_init(struct htab *h);
/* Frees the buckets; the elements are the owner's. */
void htab_fini(struct htab *h);
/*
 * Adds @n under @key.  -ENOMEM only when the table has no buckets yet
 * and cannot get them; a table that cannot grow stays correct, slower.
 */
int htab_insert(struct htab *h, struct htab_node *n, uint64_t key);
/* Takes out @n, which must be in @h. */
void htab_remove(struct htab *h, struct htab_node *n);
/* The oldest element under @key, or NULL. */
struct htab_node *htab_find(const struct htab *h, uint64_t key);
/* The next element under @n's key after @n, or NULL. */
struct htab_node *htab_next(const struct htab_node *n);

#define htab_entry(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

#endif
