/* Unit tests of the mountinfo reader (the topmost mount on a directory). */
#define _GNU_SOURCE
#include "../tap.h"
#include "mountpt.h"

#include <errno.h>

static const char text[] =
	"22 1 0:21 / /proc rw,nosuid shared:5 - proc proc rw\n"
	"40 22 0:35 / /mnt/ipc rw,nosuid,nodev shared:9 - fuse.ipcfs ipcfs rw,user_id=0\n"
	"41 40 0:36 / /mnt/ipc rw - tmpfs tmpfs rw\n"
	"42 1 0:37 / /mnt/my\\040dir rw - fuse.ipcfs ipcfs rw\n"
	"43 1 0:38 / /mnt/tab\\011x rw master:1 propagate_from:2 - ext4 /dev/sda rw\n";

int main(void)
{
	char t[32];

	is_int(mountinfo_top(text, "/proc", t, sizeof(t)), 0, "/proc found");
	is_str(t, "proc", "its type");
	is_int(mountinfo_top(text, "/mnt/ipc", t, sizeof(t)), 0,
	       "a stacked mount point found");
	is_str(t, "tmpfs", "the topmost mount counts");
	is_int(mountinfo_top(text, "/mnt/my dir", t, sizeof(t)), 0,
	       "an escaped space");
	is_str(t, "fuse.ipcfs", "its type");
	is_int(mountinfo_top(text, "/mnt/tab\tx", t, sizeof(t)), 0,
	       "an escaped tab, with optional fields");
	is_str(t, "ext4", "type after several optional fields");
	is_int(mountinfo_top(text, "/mnt", t, sizeof(t)), -ENOENT,
	       "a parent of mount points is not one");
	is_int(mountinfo_top(text, "/mnt/my", t, sizeof(t)), -ENOENT,
	       "a prefix of an escaped name is not it");
	is_int(mountinfo_top(text, "/mnt/my dir", t, 5), -EINVAL,
	       "a type longer than the buffer is refused");
	is_int(mountinfo_top("1 2 3 4\n", "/x", t, sizeof(t)), -EINVAL,
	       "a short line is refused");
	is_int(mountinfo_top("1 2 3 / /x rw\n", "/x", t, sizeof(t)), -EINVAL,
	       "a line without a separator is refused");
	is_int(mountinfo_top("1 2 3 / /x\\04 rw - a b c\n", "/x", t, sizeof(t)),
	       -ENOENT, "a cut escape matches nothing");
	is_int(mountinfo_top("1 2 3 / /x\\000\\000 rw - a b c\n", "/x", t,
			     sizeof(t)),
	       -ENOENT, "an escaped NUL matches no path (nor runs past it)");
	is_int(mountinfo_top("", "/x", t, sizeof(t)), -ENOENT, "empty text");
	return done_testing();
}
