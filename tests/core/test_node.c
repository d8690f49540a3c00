/*
 * Unit test of the node table (src/core/node.c), linked alone: no fs.c,
 * no family, no libfuse (only its headers, for the types).  A fake
 * struct ipcfs holds the table; the nodes' ops have only release_obj,
 * which counts each object's releases, so every case can check that an
 * object goes away exactly once and only when its node does.  calloc and
 * realloc are wrapped (-Wl,--wrap) so that one allocation can be made to
 * fail.  Single-threaded: the test plays the loop thread.
 */
#define _GNU_SOURCE
#include "../tap.h"
#include "family.h"

#include <stdlib.h>

#define NOBJS 8192
#define MANY 5000 /* children: the hash grows past its first 1024 */

/* What release_obj saw, and the allocation made to fail. */
static struct {
	struct ipcfs *fs;
	int released[NOBJS]; /* releases of objs[i] */
	int calls; /* every call of release_obj */
	int bad_fs; /* calls with another fs than the table's */
	int fail_calloc; /* the next calloc returns NULL */
	int fail_realloc;
} fake;

static char objs[NOBJS];

void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_calloc(size_t nmemb, size_t size);
void *__wrap_realloc(void *p, size_t size);

void *__wrap_calloc(size_t nmemb, size_t size)
{
	if (fake.fail_calloc) {
		fake.fail_calloc = 0;
		return NULL;
	}
	return __real_calloc(nmemb, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	if (fake.fail_realloc) {
		fake.fail_realloc = 0;
		return NULL;
	}
	return __real_realloc(p, size);
}

static void count_release(struct ipcfs *fs, void *obj)
{
	fake.calls++;
	if (fs != fake.fs)
		fake.bad_fs++;
	if ((char *)obj >= objs && (char *)obj < objs + NOBJS)
		fake.released[(char *)obj - objs]++;
}

static const struct node_ops obj_ops = { .release_obj = count_release };
static const struct node_ops bare_ops = { 0 }; /* no release_obj */

static void *obj(size_t i)
{
	return &objs[i];
}

static int released(size_t i)
{
	return fake.released[i];
}

/* A fresh table in @fs, with the release counts cleared. */
static void setup(struct ipcfs *fs)
{
	memset(fs, 0, sizeof(*fs));
	memset(&fake, 0, sizeof(fake));
	fake.fs = fs;
	if (nodes_init(fs, &obj_ops))
		printf("# nodes_init failed\n");
}

static struct node *root(struct ipcfs *fs)
{
	return node_get(fs, INO_ROOT);
}

/* A child the kernel has looked up @lookups times, as fs.c does. */
static struct node *child(struct ipcfs *fs, struct node *parent,
			  const char *name, size_t objn, uint64_t lookups)
{
	struct node *n = node_new(fs, parent, name, &obj_ops, 0, obj(objn));

	if (n)
		n->nlookup = lookups;
	return n;
}

static void init_makes_the_root(struct ipcfs *fs)
{
	struct node *r;

	setup(fs);
	r = root(fs);
	ok(r != NULL, "init: the root exists");
	if (!r)
		return;
	is_int(r->id, 1, "init: the root's id is 1");
	is_int(r->pins, 1, "init: the root is pinned");
	ok(r->parent == r, "init: the root is its own parent");
	ok(r->ops == &obj_ops, "init: the root has the ops given");
	is_int(fs->nodes.count, 1, "init: the table holds only the root");
	node_forget(fs, r, 10);
	ok(root(fs) == r, "init: forgetting the root does not free it");
	nodes_fini(fs);
	is_int(fake.calls, 0, "init: the root had no object to release");
}

static void top_entries_stay(struct ipcfs *fs)
{
	struct node *a, *b;

	setup(fs);
	a = node_new_top(fs, "proc", &obj_ops);
	b = node_new_top(fs, "mq", &bare_ops);
	ok(a && b, "top: two top entries made");
	if (!a || !b)
		goto out;
	is_int(a->id, 2, "top: the first top entry is id 2");
	is_int(b->id, 3, "top: the second is id 3");
	ok(a->parent == root(fs), "top: a child of the root");
	is_int(a->pins, 1, "top: pinned by the table");
	is_int(root(fs)->pins, 3, "top: each pins the root");
	ok(node_top(fs, "proc") == a && node_top(fs, "mq") == b,
	   "top: node_top finds each");
	ok(node_top(fs, "shm") == NULL, "top: node_top of no entry is NULL");
	a->nlookup = 2;
	node_forget(fs, a, 2);
	ok(node_get(fs, 2) == a && node_top(fs, "proc") == a,
	   "top: forgotten by the kernel, it stays");
out:
	nodes_fini(fs);
}

static void new_and_find_exact(struct ipcfs *fs)
{
	struct node *d, *e, *a, *ab, *a2;

	setup(fs);
	d = node_new_top(fs, "d", &obj_ops);
	e = node_new_top(fs, "e", &obj_ops);
	a = node_new(fs, d, "a", &obj_ops, 7, obj(1));
	ab = node_new(fs, d, "ab", &obj_ops, 8, obj(2));
	a2 = node_new(fs, e, "a", &obj_ops, 9, obj(3));
	ok(a && ab && a2, "find: three children made");
	if (!a || !ab || !a2)
		goto out;
	ok(a->parent == d && a->sub == 7 && a->obj == obj(1) &&
		   a->ops == &obj_ops && a->hashed,
	   "find: the node carries parent, sub, object and ops");
	ok(node_get(fs, a->id) == a, "find: node_get by its id");
	ok(a->id != ab->id && a->id != a2->id && ab->id != a2->id,
	   "find: each node has its own id");
	ok(node_find(fs, d, "a") == a, "find: (d, a) is a");
	ok(node_find(fs, d, "ab") == ab, "find: (d, ab) is ab, not a");
	ok(node_find(fs, e, "a") == a2, "find: (e, a) is e's own a");
	ok(node_find(fs, d, "A") == NULL && node_find(fs, d, "a ") == NULL &&
		   node_find(fs, d, "") == NULL &&
		   node_find(fs, d, "b") == NULL,
	   "find: no match but the exact name");
	ok(node_find(fs, root(fs), "a") == NULL,
	   "find: no match under another parent");
	is_int(d->pins, 3, "find: each child pins its parent");
	is_int(fake.calls, 0, "find: nothing released while the nodes live");
out:
	nodes_fini(fs);
}

static void same_name_replaces(struct ipcfs *fs)
{
	struct node *d, *old, *fresh;
	fuse_ino_t old_id;

	setup(fs);
	d = node_new_top(fs, "d", &obj_ops);
	old = child(fs, d, "x", 1, 1);
	fresh = child(fs, d, "x", 2, 1);
	ok(old && fresh && old != fresh, "replace: a second node of the name");
	if (!old || !fresh)
		goto out;
	old_id = old->id;
	ok(node_find(fs, d, "x") == fresh,
	   "replace: the name finds the new one");
	ok(!old->hashed && fresh->hashed, "replace: the old one is unhashed");
	ok(node_get(fs, old_id) == old,
	   "replace: the old one is still there by its id");
	is_int(released(1), 0, "replace: its object is kept until forgotten");
	node_forget(fs, old, 1);
	ok(node_get(fs, old_id) == NULL,
	   "replace: forgotten, the old one goes");
	is_int(released(1), 1, "replace: and its object is released once");
	ok(node_find(fs, d, "x") == fresh && fresh->hashed,
	   "replace: freeing the old one leaves the new one hashed");
	is_int(released(2), 0, "replace: the new one's object is kept");
	node_unhash(fs, fresh);
	ok(node_find(fs, d, "x") == NULL,
	   "replace: unhashed, the name is gone");
	node_unhash(fs, fresh);
	ok(node_get(fs, fresh->id) == fresh,
	   "replace: unhashing twice is harmless");
out:
	nodes_fini(fs);
	is_int(released(2), 1, "replace: fini releases the new one's object");
	is_int(fake.calls, 2, "replace: two releases in all");
}

static void forget_lookups_and_pins(struct ipcfs *fs)
{
	struct node *d, *n, *m;
	fuse_ino_t id;

	setup(fs);
	d = node_new_top(fs, "d", &obj_ops);
	n = child(fs, d, "n", 1, 3);
	if (!n)
		goto out;
	id = n->id;
	node_pin(n); /* an open file */
	node_forget(fs, n, 1);
	ok(node_get(fs, id) == n && n->nlookup == 2,
	   "forget: one of three lookups dropped, it stays");
	node_forget(fs, n, 5);
	ok(node_get(fs, id) == n && n->nlookup == 0,
	   "forget: more than it holds drops to 0, no wrap");
	is_int(released(1), 0, "forget: pinned, the object is kept");
	node_unpin(fs, n);
	ok(node_get(fs, id) == NULL, "forget: unpinned at 0 lookups, freed");
	is_int(released(1), 1, "forget: its object released once");
	is_int(d->pins, 1, "forget: the parent's pin is dropped");

	/* the other order: the pin goes first, the lookups last */
	m = child(fs, d, "m", 2, 2);
	if (!m)
		goto out;
	id = m->id;
	node_pin(m);
	node_unpin(fs, m);
	ok(node_get(fs, id) == m, "forget: unpinned with lookups, it stays");
	node_forget(fs, m, 1);
	ok(node_get(fs, id) == m, "forget: one lookup left, it stays");
	node_forget(fs, m, 1);
	ok(node_get(fs, id) == NULL, "forget: the last lookup frees it");
	is_int(released(2), 1, "forget: its object released once");
out:
	nodes_fini(fs);
	is_int(fake.calls, 2, "forget: no other release");
}

static void parent_cascade(struct ipcfs *fs)
{
	struct node *top, *a, *b, *c;
	fuse_ino_t ia, ib, ic;

	setup(fs);
	top = node_new_top(fs, "t", &obj_ops);
	a = child(fs, top, "a", 1, 1);
	b = a ? child(fs, a, "b", 2, 1) : NULL;
	c = b ? child(fs, b, "c", 3, 1) : NULL;
	ok(c != NULL, "cascade: t/a/b/c made");
	if (!c)
		goto out;
	ia = a->id;
	ib = b->id;
	ic = c->id;
	node_forget(fs, a, 1);
	node_forget(fs, b, 1);
	ok(node_get(fs, ia) == a && node_get(fs, ib) == b,
	   "cascade: forgotten parents stay while a child pins them");
	is_int(released(1) + released(2), 0, "cascade: their objects are kept");
	node_forget(fs, c, 1);
	ok(!node_get(fs, ic) && !node_get(fs, ib) && !node_get(fs, ia),
	   "cascade: the last child's free frees b, then a");
	ok(released(1) == 1 && released(2) == 1 && released(3) == 1,
	   "cascade: each object released once");
	ok(node_get(fs, top->id) == top && top->pins == 1,
	   "cascade: it stops at the pinned top entry");
	is_int(fs->nodes.count, 2, "cascade: root and top left");
out:
	nodes_fini(fs);
	is_int(fake.calls, 3, "cascade: no other release");
}

static void ids_reused(struct ipcfs *fs)
{
	struct node *d, *a, *b, *c, *e, *f;
	fuse_ino_t ia, ib;
	uint64_t ga, gb;

	setup(fs);
	d = node_new_top(fs, "d", &obj_ops);
	a = child(fs, d, "a", 1, 1);
	b = child(fs, d, "b", 2, 1);
	if (!a || !b)
		goto out;
	ia = a->id;
	ib = b->id;
	ga = a->generation;
	gb = b->generation;
	node_forget(fs, a, 1);
	node_forget(fs, b, 1);
	c = child(fs, d, "c", 3, 1);
	e = child(fs, d, "e", 4, 1);
	f = child(fs, d, "f", 5, 1);
	if (!c || !e || !f)
		goto out;
	ok((c->id == ib && e->id == ia) || (c->id == ia && e->id == ib),
	   "reuse: the two freed ids come back first");
	is_int(f->id, (ib > ia ? ib : ia) + 1, "reuse: then the next new id");
	ok(c->generation > ga && c->generation > gb && e->generation > ga &&
		   e->generation > gb,
	   "reuse: a reused id has a new generation");
	ok(c->generation != e->generation, "reuse: generations differ");
	ok(node_get(fs, c->id) == c && node_get(fs, e->id) == e,
	   "reuse: the id finds the new node");
	ok(node_find(fs, d, "a") == NULL && node_find(fs, d, "b") == NULL,
	   "reuse: the freed names are gone");
out:
	nodes_fini(fs);
	is_int(fake.calls, 5, "reuse: five objects, five releases");
}

static void failed_new_releases(struct ipcfs *fs)
{
	struct node *d, *x, *n, *m;
	fuse_ino_t next;

	setup(fs);
	d = node_new_top(fs, "d", &obj_ops);
	x = child(fs, d, "x", 1, 1);
	if (!x)
		goto out;
	next = fs->nodes.next_id;
	fake.fail_calloc = 1;
	n = node_new(fs, d, "x", &obj_ops, 0, obj(2));
	ok(n == NULL, "enomem: node_new fails when the node's calloc does");
	is_int(released(2), 1, "enomem: the object given is released once");
	ok(node_find(fs, d, "x") == x && x->hashed,
	   "enomem: the old node of that name stays hashed");
	is_int(fs->nodes.next_id, next, "enomem: no id is used up");
	is_int(d->pins, 2, "enomem: the parent is not pinned");

	/* the by_id array must grow for the next new id: make it fail */
	while (fs->nodes.next_id + 1 <= fs->nodes.cap) {
		if (!child(fs, d, "filler", 3, 0))
			goto out;
		node_unhash(fs, node_find(fs, d, "filler"));
	}
	next = fs->nodes.next_id;
	fake.fail_realloc = 1;
	m = node_new(fs, d, "y", &obj_ops, 0, obj(4));
	ok(m == NULL, "enomem: node_new fails when the id array cannot grow");
	is_int(released(4), 1, "enomem: and releases its object once");
	is_int(fs->nodes.next_id, next, "enomem: that id is not used up");
	m = child(fs, d, "y", 5, 1);
	ok(m && m->id == next, "enomem: the next node gets that id");
	fake.fail_calloc = 1;
	ok(node_new(fs, d, "z", &bare_ops, 0, NULL) == NULL && released(4) == 1,
	   "enomem: without an object, nothing is released");
out:
	nodes_fini(fs);
	ok(released(1) == 1 && released(2) == 1 && released(4) == 1 &&
		   released(5) == 1,
	   "enomem: fini releases the rest once");
}

static void rehash_keeps_all(struct ipcfs *fs)
{
	static struct node *kids[MANY];
	struct node *d;
	char name[32];
	int made = 0, found = 0, byid = 0, rel = 0;

	setup(fs);
	d = node_new_top(fs, "d", &obj_ops);
	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		kids[i] = child(fs, d, name, (size_t)i, 1);
		made += kids[i] != NULL;
	}
	is_int(made, MANY, "rehash: %d children made", MANY);
	ok(fs->nodes.hash_size > 1024, "rehash: the hash grew (to %zu)",
	   fs->nodes.hash_size);
	is_int(fs->nodes.count, MANY + 2, "rehash: the table counts them");
	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		found += kids[i] && node_find(fs, d, name) == kids[i];
		byid += kids[i] && node_get(fs, kids[i]->id) == kids[i];
	}
	is_int(found, MANY, "rehash: every child found by name");
	is_int(byid, MANY, "rehash: every child found by id");
	for (int i = 0; i < MANY; i += 2)
		if (kids[i])
			node_forget(fs, kids[i], 1);
	found = 0;
	for (int i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		found += node_find(fs, d, name) == (i % 2 ? kids[i] : NULL);
		rel += released((size_t)i) == (i % 2 ? 0 : 1);
	}
	is_int(found, MANY, "rehash: half forgotten, the other half found");
	is_int(rel, MANY, "rehash: only the forgotten ones released");
	nodes_fini(fs);
	rel = 0;
	for (int i = 0; i < MANY; i++)
		rel += released((size_t)i) == 1;
	is_int(rel, MANY, "rehash: fini releases the rest, each once");
	is_int(fake.calls, MANY, "rehash: no other release");
}

static void unknown_ids(struct ipcfs *fs)
{
	struct node *d, *n;
	fuse_ino_t id;

	setup(fs);
	d = node_new_top(fs, "d", &obj_ops);
	n = child(fs, d, "n", 1, 1);
	if (!n)
		goto out;
	id = n->id;
	ok(node_get(fs, 0) == NULL, "unknown: id 0 is NULL");
	ok(node_get(fs, fs->nodes.next_id) == NULL,
	   "unknown: the next unused id is NULL");
	ok(node_get(fs, fs->nodes.cap) == NULL &&
		   node_get(fs, (fuse_ino_t)1 << 40) == NULL &&
		   node_get(fs, (fuse_ino_t)-1) == NULL,
	   "unknown: ids past the table are NULL");
	node_forget(fs, n, 1);
	ok(node_get(fs, id) == NULL, "unknown: a freed id is NULL");
out:
	nodes_fini(fs);
}

static void fini_releases_all(struct ipcfs *fs)
{
	struct node *d, *a, *b, *c;
	int once = 0;

	setup(fs);
	d = node_new_top(fs, "d", &obj_ops);
	a = child(fs, d, "a", 1, 2); /* looked up */
	b = child(fs, d, "a", 2, 1); /* replaces a: a is unhashed */
	c = b ? child(fs, b, "c", 3, 0) : NULL; /* no lookup... */
	if (!a || !c)
		goto out;
	node_pin(b); /* b open */
	node_pin(c); /* ...but pinned */
	node_new(fs, d, "bare", &bare_ops, 0, obj(4)); /* no release_obj */
	node_new(fs, d, "none", &obj_ops, 0, NULL); /* no object */
	is_int(fake.calls, 0, "fini: nothing released before it");
out:
	nodes_fini(fs);
	for (size_t i = 1; i <= 3; i++)
		once += released(i) == 1;
	is_int(once, 3, "fini: every live object released once");
	is_int(fake.calls, 3, "fini: one call per object, none without one");
	is_int(fake.bad_fs, 0, "fini: each with the table's fs");
	ok(!fs->nodes.by_id && !fs->nodes.hash && !fs->nodes.count,
	   "fini: the table is empty");
}

int main(void)
{
	struct ipcfs *fs = calloc(1, sizeof(*fs));

	if (!fs)
		return 1;
	init_makes_the_root(fs);
	top_entries_stay(fs);
	new_and_find_exact(fs);
	same_name_replaces(fs);
	forget_lookups_and_pins(fs);
	parent_cascade(fs);
	ids_reused(fs);
	failed_new_releases(fs);
	rehash_keeps_all(fs);
	unknown_ids(fs);
	fini_releases_all(fs);
	free(fs);
	return done_testing();
}
