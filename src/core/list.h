/*
 * Intrusive doubly linked lists, as in the kernel: a struct list_head is
 * embedded in each element, so parking a request or queueing a waiter never
 * allocates.  Only the handful of operations ipcfs uses are here.
 */
#ifndef IPCFS_LIST_H
#define IPCFS_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name)     \
	{                        \
		&(name), &(name) \
	}

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr)-offsetof(type, member)))

#define list_entry(ptr, type, member) container_of(ptr, type, member)

#define list_first_entry(head, type, member) \
	list_entry((head)->next, type, member)

#define list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#define list_for_each_safe(pos, n, head)                               \
	for ((pos) = (head)->next, (n) = (pos)->next; (pos) != (head); \
	     (pos) = (n), (n) = (pos)->next)

static inline void list_init(struct list_head *h)
{
	h->next = h;
	h->prev = h;
}

static inline bool list_empty(const struct list_head *h)
{
	return h->next == h;
}

static inline void list_add_between(struct list_head *e, struct list_head *prev,
				    struct list_head *next)
{
	next->prev = e;
	e->next = next;
	e->prev = prev;
	prev->next = e;
}

static inline void list_add(struct list_head *e, struct list_head *head)
{
	list_add_between(e, head, head->next);
}

static inline void list_add_tail(struct list_head *e, struct list_head *head)
{
	list_add_between(e, head->prev, head);
}

/* Unlinks and re-initialises, so a second list_del is harmless. */
static inline void list_del(struct list_head *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
	list_init(e);
}

/* True when @e is on no list (initialised or deleted). */
static inline bool list_unlinked(const struct list_head *e)
{
	return e->next == e;
}

#endif
