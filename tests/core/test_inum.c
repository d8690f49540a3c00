/*
 * Unit tests of the inode number allocator: the ranges of different tags
 * cannot overlap, whatever the object and slot (also past their fields),
 * numbers decode back, and the old overlap of the queue and shm ranges is
 * gone.
 */
#define _GNU_SOURCE
#include "../tap.h"
#include "inum.h"

#include <inttypes.h>
#include <stdint.h>

/* Objects and slots at the edges of their fields, and past them. */
static const uint64_t objects[] = {
	0,
	1,
	4194304, /* ROUTE_PID_MAX */
	UINT32_MAX,
	UINT64_C(1) << 32,
	INUM_OBJECT_MAX,
	INUM_OBJECT_MAX + 1,
	UINT64_MAX,
};
static const uint64_t slots[] = {
	0, 1, 8, 32773, INUM_SLOT_MAX, INUM_SLOT_MAX + 1, UINT64_MAX,
};
#define NOBJ (sizeof(objects) / sizeof(objects[0]))
#define NSLOT (sizeof(slots) / sizeof(slots[0]))

/* Every edge value of tag @t against every edge value of tag @u. */
static int collisions(unsigned int t, unsigned int u)
{
	int n = 0;

	for (size_t a = 0; a < NOBJ; a++)
		for (size_t b = 0; b < NSLOT; b++)
			for (size_t c = 0; c < NOBJ; c++)
				for (size_t d = 0; d < NSLOT; d++)
					n += inum_make(t, objects[a],
						       slots[b]) ==
					     inum_make(u, objects[c], slots[d]);
	return n;
}

static void tags_never_collide(void)
{
	int pairs = 0, bad = 0;

	for (unsigned int t = INUM_TAG_TOP; t < INUM_NTAGS; t++)
		for (unsigned int u = t + 1; u < INUM_NTAGS; u++) {
			int n = collisions(t, u);

			pairs++;
			if (n) {
				bad++;
				printf("# tags %u and %u: %d collisions\n", t,
				       u, n);
			}
		}
	is_int(pairs, (INUM_NTAGS - 1) * (INUM_NTAGS - 2) / 2,
	       "every pair of tags was compared");
	is_int(bad, 0, "no two tags share a number, at any edge value");
}

static void the_tag_survives_folding(void)
{
	int bad = 0, zero = 0;

	for (unsigned int t = INUM_TAG_TOP; t < INUM_NTAGS; t++)
		for (size_t a = 0; a < NOBJ; a++)
			for (size_t b = 0; b < NSLOT; b++) {
				uint64_t v = inum_make(t, objects[a], slots[b]);

				bad += inum_decode(v).tag != t;
				zero += v == 0;
			}
	is_int(bad, 0, "every number decodes to the tag it was made with");
	is_int(zero, 0, "no valid call makes 0");
	is_int((long long)inum_make(INUM_TAG_NONE, 1, 1), 0,
	       "tag 0 is never made");
	is_int((long long)inum_make(INUM_NTAGS, 1, 1), 0,
	       "a tag past the field is refused (0), not wrapped onto tag 0");
	is_int((long long)inum_make(INUM_NTAGS + INUM_TAG_TOP, 0, 0), 0,
	       "nor onto the top's tag");
}

static void decode_is_make_backwards(void)
{
	int bad = 0;

	for (unsigned int t = INUM_TAG_TOP; t < INUM_NTAGS; t++)
		for (size_t a = 0; a < NOBJ; a++)
			for (size_t b = 0; b < NSLOT; b++) {
				struct inum_fields f;

				if (objects[a] > INUM_OBJECT_MAX ||
				    slots[b] > INUM_SLOT_MAX)
					continue;
				f = inum_decode(
					inum_make(t, objects[a], slots[b]));
				bad += f.tag != t || f.object != objects[a] ||
				       f.slot != slots[b];
			}
	is_int(bad, 0, "decode(make(tag, object, slot)) gives them back");
	ok(inum_decode(inum_make(INUM_TAG_FAMILY(0), 4194304, 7)).object ==
		   4194304,
	   "the largest pid is kept whole");
	ok(inum_decode(inum_make(INUM_TAG_FAMILY(1), UINT32_MAX, 0)).object ==
		   UINT32_MAX,
	   "a 32-bit kernel inode number is kept whole");
}

static void past_the_field_folds_within_the_tag(void)
{
	struct inum_fields f;

	f = inum_decode(inum_make(INUM_TAG_FAMILY(2), INUM_OBJECT_MAX + 1, 0));
	is_int(f.tag, INUM_TAG_FAMILY(2), "object 1 << 44: its tag stays");
	is_int((long long)f.object, 1, "and it folds to 1");
	f = inum_decode(inum_make(INUM_TAG_FAMILY(2), UINT64_MAX, 0));
	ok(f.object <= INUM_OBJECT_MAX, "UINT64_MAX folds into the field");
	f = inum_decode(inum_make(INUM_TAG_TOP, 5, INUM_SLOT_MAX + 1));
	ok(f.tag == INUM_TAG_TOP && f.object == 5 && f.slot == 1,
	   "slot 1 << 16 folds to 1, object and tag untouched");
	ok(inum_make(INUM_TAG_FAMILY(0), 7, 1) ==
		   inum_make(INUM_TAG_FAMILY(0), 7, 1),
	   "the same object and slot: the same number every time");
}

/* The formulas before the allocator (mq_ino(), SHM_INO). */
static uint64_t old_mq_dir_ino(uint64_t queue_ino)
{
	return UINT64_C(1) << 56 | (queue_ino & 0xffffffffffULL) << 16;
}

static uint64_t old_shm_ino(uint64_t tmpfs_ino)
{
	return (UINT64_C(1) << 56) + tmpfs_ino;
}

static void the_old_overlap_is_gone(void)
{
	/* two different family tags, as the queue and shm families claim */
	unsigned int mq = INUM_TAG_FAMILY(1), shm = INUM_TAG_FAMILY(2);

	ok(old_mq_dir_ino(1) == old_shm_ino(65536),
	   "before: queue inode 1's directory == shm inode 65536");
	ok(inum_make(mq, 1, 0) != inum_make(shm, 65536, 0), "now: they differ");
	ok(inum_make(mq, 65536, 0) != inum_make(shm, 65536, 0),
	   "the same kernel inode number in two families differs too");
	ok(inum_top(1) != inum_make(INUM_TAG_FAMILY(0), 0, 1),
	   "the root is no process number either");
	ok(inum_top(1) != 1, "nor the root's FUSE node id");
}

int main(void)
{
	tags_never_collide();
	the_tag_survives_folding();
	decode_is_make_backwards();
	past_the_field_folds_within_the_tag();
	the_old_overlap_is_gone();
	return done_testing();
}
