/*
 * The node table: FUSE node ids for the tree's objects, with the kernel's
 * lookup counts and the server's own pins.  Ids are table indexes, reused
 * after the kernel forgets them (with a new generation); the hash finds a
 * live node again by (parent, name) so repeated lookups return the same
 * id.  Nothing grows without bound: a node exists only while the kernel
 * or an open file holds it.
 */
#define _GNU_SOURCE
#include "family.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static size_t name_hash(fuse_ino_t parent, const char *name, size_t size)
{
	uint64_t h = 1469598103934665603ULL ^ parent;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return (size_t)(h % size);
}

static int grow(void **array, size_t *cap, size_t need, size_t elem)
{
	size_t ncap = *cap ? *cap : 64;
	void *a;

	while (ncap < need)
		ncap *= 2;
	if (ncap == *cap)
		return 0;
	a = realloc(*array, ncap * elem);
	if (!a)
		return -ENOMEM;
	memset((char *)a + *cap * elem, 0, (ncap - *cap) * elem);
	*array = a;
	*cap = ncap;
	return 0;
}

static int rehash(struct node_table *t, size_t size)
{
	struct node **h = calloc(size, sizeof(*h));

	if (!h)
		return -ENOMEM;
	for (size_t i = 0; i < t->hash_size; i++) {
		struct node *n = t->hash[i], *next;

		for (; n; n = next) {
			size_t b = name_hash(n->parent->id, n->name, size);

			next = n->hnext;
			n->hnext = h[b];
			h[b] = n;
		}
	}
	free(t->hash);
	t->hash = h;
	t->hash_size = size;
	return 0;
}

static struct node *alloc_node(struct ipcfs *fs, fuse_ino_t id,
			       const char *name, const struct node_ops *ops)
{
	struct node_table *t = &fs->nodes;
	struct node *n;

	if (grow((void **)&t->by_id, &t->cap, id + 1, sizeof(*t->by_id)))
		return NULL;
	n = calloc(1, sizeof(*n) + strlen(name) + 1);
	if (!n)
		return NULL;
	strcpy(n->name, name);
	n->id = id;
	n->ops = ops;
	n->generation = ++t->generation;
	t->by_id[id] = n;
	t->count++;
	return n;
}

/* Drops the node's reference on its object, through the node's own ops. */
static void node_release_obj(struct ipcfs *fs, struct node *n)
{
	if (n->obj && n->ops->release_obj)
		n->ops->release_obj(fs, n->obj);
	n->obj = NULL;
}

int nodes_init(struct ipcfs *fs, const struct node_ops *root_ops)
{
	struct node_table *t = &fs->nodes;
	struct node *root;

	memset(t, 0, sizeof(*t));
	t->next_id = INO_ROOT + 1;
	if (rehash(t, 1024))
		return -ENOMEM;
	root = alloc_node(fs, INO_ROOT, "", root_ops);
	if (!root)
		return -ENOMEM;
	root->pins = 1; /* the top of the tree never goes away */
	root->parent = root;
	return 0;
}

struct node *node_new_top(struct ipcfs *fs, const char *name,
			  const struct node_ops *ops)
{
	struct node *n =
		node_new(fs, node_get(fs, INO_ROOT), name, ops, 0, NULL);

	if (n)
		n->pins++; /* never freed while mounted */
	return n;
}

struct node *node_top(struct ipcfs *fs, const char *name)
{
	return node_find(fs, node_get(fs, INO_ROOT), name);
}

void nodes_fini(struct ipcfs *fs)
{
	struct node_table *t = &fs->nodes;

	for (size_t i = 0; i < t->cap; i++) {
		struct node *n = t->by_id[i];

		if (!n)
			continue;
		if (n->obj)
			node_release_obj(fs, n);
		free(n);
	}
	free(t->by_id);
	free(t->free_ids);
	free(t->hash);
	memset(t, 0, sizeof(*t));
}

struct node *node_get(struct ipcfs *fs, fuse_ino_t id)
{
	struct node_table *t = &fs->nodes;

	if (id >= t->cap)
		return NULL;
	return t->by_id[id];
}

struct node *node_find(struct ipcfs *fs, struct node *parent, const char *name)
{
	struct node_table *t = &fs->nodes;
	struct node *n = t->hash[name_hash(parent->id, name, t->hash_size)];

	for (; n; n = n->hnext)
		if (n->parent == parent && strcmp(n->name, name) == 0)
			return n;
	return NULL;
}

void node_unhash(struct ipcfs *fs, struct node *n)
{
	struct node_table *t = &fs->nodes;
	struct node **pp;

	if (!n->hashed)
		return;
	pp = &t->hash[name_hash(n->parent->id, n->name, t->hash_size)];
	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == n) {
			*pp = n->hnext;
			break;
		}
	}
	n->hnext = NULL;
	n->hashed = false;
}

struct node *node_new(struct ipcfs *fs, struct node *parent, const char *name,
		      const struct node_ops *ops, int sub, void *obj)
{
	struct node_table *t = &fs->nodes;
	struct node *old = node_find(fs, parent, name);
	struct node *n;
	fuse_ino_t id;
	size_t b;

	if (t->count >= t->hash_size && rehash(t, t->hash_size * 2))
		goto out_nomem;
	if (t->nfree)
		id = t->free_ids[--t->nfree];
	else
		id = t->next_id++;
	n = alloc_node(fs, id, name, ops);
	if (!n) {
		if (id == t->next_id - 1)
			t->next_id--;
		else
			t->free_ids[t->nfree++] = id;
		goto out_nomem;
	}
	if (old)
		node_unhash(fs, old);
	n->sub = sub;
	n->obj = obj;
	n->parent = parent;
	node_pin(parent);
	b = name_hash(parent->id, name, t->hash_size);
	n->hnext = t->hash[b];
	t->hash[b] = n;
	n->hashed = true;
	return n;

out_nomem:
	if (obj && ops->release_obj)
		ops->release_obj(fs, obj);
	return NULL;
}

void node_pin(struct node *n)
{
	n->pins++;
}

static void node_free(struct ipcfs *fs, struct node *n)
{
	struct node_table *t = &fs->nodes;
	struct node *parent = n->parent;

	node_unhash(fs, n);
	if (n->obj)
		node_release_obj(fs, n);
	t->by_id[n->id] = NULL;
	t->count--;
	if (!grow((void **)&t->free_ids, &t->free_cap, t->nfree + 1,
		  sizeof(*t->free_ids)))
		t->free_ids[t->nfree++] = n->id;
	free(n);
	if (parent && parent != n)
		node_unpin(fs, parent);
}

void node_unpin(struct ipcfs *fs, struct node *n)
{
	if (--n->pins == 0 && n->nlookup == 0)
		node_free(fs, n);
}

void node_forget(struct ipcfs *fs, struct node *n, uint64_t count)
{
	n->nlookup = count > n->nlookup ? 0 : n->nlookup - count;
	if (n->nlookup == 0 && n->pins == 0)
		node_free(fs, n);
}
