/*
 * Inode numbers (st_ino, and d_ino in listings) of everything in the tree,
 * from one allocator with disjoint ranges, as the kernel takes them from
 * one get_next_ino().  A number is three bit fields:
 *
 *     63      60 59                                        16 15        0
 *    +----------+--------------------------------------------+-----------+
 *    |   tag    |  object (pid, queue inode, tmpfs inode...) |   slot    |
 *    +----------+--------------------------------------------+-----------+
 *
 * The tag says which kind of object: INUM_TAG_TOP for the fixed entries
 * at the top of the tree (the object is their fixed node id), then one
 * INUM_TAG_FAMILY(n) for each family.  The core names no family: a family
 * claims its tag in its own header (#define X_INUM_TAG
 * INUM_TAG_FAMILY(n)) and names it in its struct family (inum_tag); the
 * core refuses to start when two families of the registry claim the same
 * one (fs_check_families).  The slot says which file
 * of the object (0: the object's directory or the object itself).
 *
 * Widths:
 * - slot, 16 bits: the most files one object has is a queue directory:
 *   itself, priorities 0..32767 and next/maxmsg/msgsize/curmsgs, 32773 <
 *   1 << 16; a process directory has 8.
 * - object, 44 bits: pids are below 1 << 22 (ROUTE_PID_MAX); an mqueue
 *   inode number comes from get_next_ino(), an unsigned int (< 1 << 32);
 *   a tmpfs (/dev/shm) one is below 1 << 32 too unless /dev/shm is mounted
 *   inode64, and then it counts up from 1 per mount, so it passes 1 << 44
 *   only after 17 million million files were made there.  A larger object
 *   (or slot) is folded into its field (the bits above XORed in): two
 *   objects of one tag may then share a number, never two of different
 *   tags, since folding never touches the tag.
 * - tag, 4 bits: 0 is never made, so no number is 0 (a listing entry of
 *   inode 0 is skipped by some readers as deleted); 1 is the top; 2..15
 *   are 14 tags for families.  Tags 8 and up give numbers of 1 << 63 and
 *   more, which a reader with a signed 64-bit inode type shows negative:
 *   families take the low ones first.
 *
 * Pure C, no FUSE type; thread-free (any thread may call it).
 */
#ifndef IPCFS_INUM_H
#define IPCFS_INUM_H

#include <stdint.h>

#define INUM_SLOT_BITS 16
#define INUM_OBJECT_BITS 44
#define INUM_TAG_BITS 4
#define INUM_SLOT_MAX ((UINT64_C(1) << INUM_SLOT_BITS) - 1)
#define INUM_OBJECT_MAX ((UINT64_C(1) << INUM_OBJECT_BITS) - 1)

enum inum_tag {
	INUM_TAG_NONE, /* never made: no inode number is 0 */
	INUM_TAG_TOP, /* the root and the fixed entries under it */
	INUM_TAG_FAMILY0, /* the first family tag, see INUM_TAG_FAMILY */
	INUM_NTAGS = 1 << INUM_TAG_BITS,
};

/* The tag family number @n claims (0..INUM_FAMILY_TAGS-1). */
#define INUM_TAG_FAMILY(n) (INUM_TAG_FAMILY0 + (n))
#define INUM_FAMILY_TAGS (INUM_NTAGS - INUM_TAG_FAMILY0)

/*
 * The inode number of @slot of @object of kind @tag, the same for the
 * same three values every time.  @object and @slot beyond their fields
 * are folded (see above).  0 for a tag outside 1..INUM_NTAGS-1: a bug of
 * the caller, and a number no valid call makes.
 */
uint64_t inum_make(unsigned int tag, uint64_t object, uint64_t slot);

/* The inode number of a fixed entry at the top (the root: its own id). */
uint64_t inum_top(uint64_t fixed_id);

/* The fields of an inode number, for tests and diagnostics. */
struct inum_fields {
	unsigned int tag;
	uint64_t object;
	uint64_t slot;
};

/* Splits @ino into its fields: inum_make() backwards (folded values). */
struct inum_fields inum_decode(uint64_t ino);

#endif
