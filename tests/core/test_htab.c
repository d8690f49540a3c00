/*
 * Unit test of the hash table (src/core/htab.c): 100,000 keys in, found,
 * half of them out, the rest still found; the table grows to a load of
 * at most 1 and shrinks back; buckets with several keys (collisions) and
 * keys with several elements, which come back oldest first also after
 * the table grew and shrank.  No mount.
 */
#include "htab.h"
#include "../tap.h"

#include <stdbool.h>
#include <stdlib.h>

#define NKEYS 100000

struct elem {
	struct htab_node hn;
	int tag;
};

/* Inode-like keys: large, mostly consecutive, with gaps. */
static uint64_t key_of(int i)
{
	return 0x100000000ULL + (uint64_t)i * 3 + (uint64_t)(i % 7);
}

static size_t longest_chain(const struct htab *h)
{
	size_t longest = 0;

	for (size_t b = 0; b < (size_t)1 << h->bits; b++) {
		size_t len = 0;

		for (struct htab_node *n = h->buckets[b]; n; n = n->next)
			len++;
		if (len > longest)
			longest = len;
	}
	return longest;
}

static bool all_found(const struct htab *h, struct elem *e, int from, int to,
		      int step)
{
	for (int i = from; i < to; i += step) {
		struct htab_node *n = htab_find(h, key_of(i));

		if (!n || htab_entry(n, struct elem, hn) != &e[i] ||
		    htab_next(n))
			return false;
	}
	return true;
}

static bool none_found(const struct htab *h, int from, int to, int step)
{
	for (int i = from; i < to; i += step)
		if (htab_find(h, key_of(i)))
			return false;
	return true;
}

/* Five elements under one key, in the order they went in. */
static bool dups_in_order(const struct htab *h, uint64_t key, struct elem *d,
			  int nd)
{
	struct htab_node *n = htab_find(h, key);

	for (int i = 0; i < nd; i++, n = htab_next(n))
		if (!n || htab_entry(n, struct elem, hn) != &d[i])
			return false;
	return n == NULL;
}

int main(void)
{
	struct elem *e = calloc(NKEYS, sizeof(*e));
	struct elem d[5];
	uint64_t dkey = key_of(NKEYS / 2); /* shares a key with e[] */
	struct htab h;
	bool inserted = true;

	if (!e)
		return 1;
	htab_init(&h);
	ok(htab_find(&h, 1) == NULL, "an empty table finds nothing");

	for (int i = 0; i < NKEYS; i++) {
		e[i].tag = i;
		inserted &= htab_insert(&h, &e[i].hn, key_of(i)) == 0;
	}
	ok(inserted, "%d keys go in", NKEYS);
	is_int(h.count, NKEYS, "the table counts them");
	ok(((size_t)1 << h.bits) >= NKEYS,
	   "it grew to a load of at most 1 "
	   "(%zu buckets)",
	   (size_t)1 << h.bits);
	ok(((size_t)1 << h.bits) < 4 * NKEYS, "and not far beyond");
	ok(longest_chain(&h) >= 2,
	   "some buckets hold several keys "
	   "(collisions; longest chain %zu)",
	   longest_chain(&h));
	ok(longest_chain(&h) <= 16, "no bucket holds many");
	ok(all_found(&h, e, 0, NKEYS, 1), "every key finds its element");
	ok(none_found(&h, NKEYS, NKEYS + 1000, 1) && !htab_find(&h, 0) &&
		   !htab_find(&h, key_of(1) + 1),
	   "keys never put in find nothing");

	for (int i = 0; i < 5; i++)
		htab_insert(&h, &d[i].hn, dkey);
	ok(htab_entry(htab_find(&h, dkey), struct elem, hn) == &e[NKEYS / 2],
	   "a repeated key finds its oldest element first");
	ok(htab_entry(htab_next(htab_find(&h, dkey)), struct elem, hn) == &d[0],
	   "then the next oldest");
	htab_remove(&h, &e[NKEYS / 2].hn);
	ok(dups_in_order(&h, dkey, d, 5), "the five of one key, in order");

	for (int i = 0; i < NKEYS; i += 2)
		if (i != NKEYS / 2)
			htab_remove(&h, &e[i].hn);
	is_int(h.count, NKEYS / 2 + 5, "half the keys went out");
	ok(none_found(&h, 0, NKEYS / 2, 2) &&
		   none_found(&h, NKEYS / 2 + 2, NKEYS, 2),
	   "no removed key is found");
	ok(all_found(&h, e, 1, NKEYS, 2), "every other key still is");
	ok(dups_in_order(&h, dkey, d, 5), "the repeated key too, in order");

	for (int i = 1; i < NKEYS; i += 2)
		if (i % 1000 != 1)
			htab_remove(&h, &e[i].hn);
	is_int(h.count, NKEYS / 1000 + 5, "all but a hundred went out");
	ok(((size_t)1 << h.bits) <= 4 * h.count,
	   "the table shrank (%zu buckets)", (size_t)1 << h.bits);
	ok(all_found(&h, e, 1, NKEYS, 1000),
	   "the ones left are found after shrinking");
	ok(none_found(&h, 3, NKEYS, 2 * 1000) &&
		   none_found(&h, 999, NKEYS, 1000),
	   "the removed ones are not");
	ok(dups_in_order(&h, dkey, d, 5),
	   "the repeated key, in order after shrinking");

	for (int i = 0; i < 5; i++)
		htab_remove(&h, &d[i].hn);
	ok(!htab_find(&h, dkey), "a repeated key is gone with its last one");
	htab_fini(&h);
	ok(h.count == 0 && !htab_find(&h, key_of(1)), "fini empties it");
	free(e);
	return done_testing();
}
