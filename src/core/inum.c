/*
 * The one allocator of inode numbers (see inum.h): packs a tag, an object
 * number and a slot into disjoint bit fields.  Pure; any thread.
 */
#include "inum.h"

/* @v folded into @bits bits: the bits above XORed into the low ones. */
static uint64_t fold(uint64_t v, unsigned int bits)
{
	uint64_t mask = (UINT64_C(1) << bits) - 1;

	while (v > mask)
		v = (v & mask) ^ (v >> bits);
	return v;
}

uint64_t inum_make(unsigned int tag, uint64_t object, uint64_t slot)
{
	if (tag == INUM_TAG_NONE || tag >= INUM_NTAGS)
		return 0;
	return (uint64_t)tag << (INUM_OBJECT_BITS + INUM_SLOT_BITS) |
	       fold(object, INUM_OBJECT_BITS) << INUM_SLOT_BITS |
	       fold(slot, INUM_SLOT_BITS);
}

uint64_t inum_top(uint64_t fixed_id)
{
	return inum_make(INUM_TAG_TOP, fixed_id, 0);
}

struct inum_fields inum_decode(uint64_t ino)
{
	return (struct inum_fields){
		.tag = (unsigned int)(ino >>
				      (INUM_OBJECT_BITS + INUM_SLOT_BITS)),
		.object = ino >> INUM_SLOT_BITS & INUM_OBJECT_MAX,
		.slot = ino & INUM_SLOT_MAX,
	};
}
