/*
 * The hash table of htab.h.  A key's bucket is the top bits of the key
 * times 2^64 / phi (Fibonacci hashing): consecutive keys, such as inode
 * numbers and counters, spread over all buckets.  With top bits, bucket
 * i of a table splits into buckets 2i and 2i + 1 of the doubled one, and
 * those two merge back into i when it halves, so moving every chain in
 * order keeps each key's elements oldest first.  No thread of its own.
 */
#include "htab.h"

#include <errno.h>
#include <stdlib.h>

#define HTAB_MIN_BITS 3

static size_t bucket_of(uint64_t key, unsigned int bits)
{
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

void htab_init(struct htab *h)
{
	h->buckets = NULL;
	h->bits = 0;
	h->count = 0;
}

void htab_fini(struct htab *h)
{
	free(h->buckets);
	htab_init(h);
}

/* Appends chain @n to the chain whose end is *@tail. */
static void move_chain(struct htab_node *n, struct htab_node ***tail,
		       unsigned int bits, size_t first)
{
	struct htab_node *next;

	for (; n; n = next) {
		struct htab_node ***t = &tail[bucket_of(n->key, bits) - first];

		next = n->next;
		n->next = NULL;
		**t = n;
		*t = &n->next;
	}
}

/* Moves every element into a table of 1 << @bits buckets, if it can. */
static void resize(struct htab *h, unsigned int bits)
{
	struct htab_node **nb = calloc((size_t)1 << bits, sizeof(*nb));
	size_t size = (size_t)1 << h->bits;
	struct htab_node **tail[2];

	if (!nb)
		return; /* keep the old table: still right, only slower */
	for (size_t i = 0; i < size; i++) {
		if (bits > h->bits) {
			/* bucket i splits into 2i and 2i + 1 */
			tail[0] = &nb[2 * i];
			tail[1] = &nb[2 * i + 1];
			move_chain(h->buckets[i], tail, bits, 2 * i);
		} else {
			/* 2i and 2i + 1 merge into i, 2i's chain first */
			tail[0] = &nb[i / 2];
			while (*tail[0])
				tail[0] = &(*tail[0])->next;
			move_chain(h->buckets[i], tail, bits, i / 2);
		}
	}
	free(h->buckets);
	h->buckets = nb;
	h->bits = bits;
}

int htab_insert(struct htab *h, struct htab_node *n, uint64_t key)
{
	struct htab_node **pp;

	if (!h->buckets) {
		h->buckets =
			calloc((size_t)1 << HTAB_MIN_BITS, sizeof(*h->buckets));
		if (!h->buckets)
			return -ENOMEM;
		h->bits = HTAB_MIN_BITS;
	}
	if (h->count >= (size_t)1 << h->bits &&
	    h->bits < 8 * sizeof(size_t) - 4)
		resize(h, h->bits + 1);
	n->key = key;
	n->next = NULL;
	/* at the tail: a key's elements stay oldest first */
	for (pp = &h->buckets[bucket_of(key, h->bits)]; *pp; pp = &(*pp)->next)
		;
	*pp = n;
	h->count++;
	return 0;
}

void htab_remove(struct htab *h, struct htab_node *n)
{
	struct htab_node **pp = &h->buckets[bucket_of(n->key, h->bits)];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			h->count--;
			break;
		}
	}
	if (h->bits > HTAB_MIN_BITS && h->count < ((size_t)1 << h->bits) / 4)
		resize(h, h->bits - 1);
}

struct htab_node *htab_find(const struct htab *h, uint64_t key)
{
	struct htab_node *n;

	if (!h->buckets)
		return NULL;
	for (n = h->buckets[bucket_of(key, h->bits)]; n; n = n->next)
		if (n->key == key)
			return n;
	return NULL;
}

struct htab_node *htab_next(const struct htab_node *n)
{
	uint64_t key = n->key;

	for (n = n->next; n; n = n->next)
		if (n->key == key)
			return (struct htab_node *)n;
	return NULL;
}
