/*
 * Releasing the object a node carries, through the node's own ops
 * (release_obj): what the node table does when a node goes away.
 */
#ifndef IPCFS_NODE_H
#define IPCFS_NODE_H

struct ipcfs;
struct node;

/* Drops the node's reference on its object (n->ops->release_obj). */
void node_release_obj(struct ipcfs *fs, struct node *n);

#endif
