/*
 * What the node table asks of the families: releasing the object a node
 * carries when the node goes away.  Kept apart from ipcfs.h so that the
 * table does not need to know the families' types.
 */
#ifndef IPCFS_NODE_H
#define IPCFS_NODE_H

struct ipcfs;
struct node;

/* Drops the node's reference on its family object (fs.c dispatches). */
void node_release_obj(struct ipcfs *fs, struct node *n);

#endif
