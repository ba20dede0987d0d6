/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Replacing a file whole: write a temporary beside it, fsync, rename over
 * the target, fsync the directory. A reader sees the old file or the new
 * one, never a part, and a crash leaves one of the two.
 *
 * The target must be a regular file or absent: a symbolic link, a device
 * node, a FIFO or a directory is refused and left as it is (renaming over
 * /dev/full would swap the device node for a regular file). The
 * temporary is created O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600, under a
 * random name, so nothing placed there beforehand is followed or reused.
 */
#ifndef PROVISIO_ATOMIC_H
#define PROVISIO_ATOMIC_H

#include <stddef.h>

#define ATOMIC_TMP_MAX		4096

/* Returned instead of -1 when the target is not a regular file. */
#define ATOMIC_ESYMLINK		(-2)
#define ATOMIC_ENOTREG		(-3)

struct atomic_file {
	int	fd;
	char	tmp[ATOMIC_TMP_MAX];
	char	path[ATOMIC_TMP_MAX];
};

/*
 * Check the target and create its temporary. Returns 0, -1 (errno set),
 * ATOMIC_ESYMLINK or ATOMIC_ENOTREG.
 */
int atomic_open(struct atomic_file *f, const char *path);
/* Write all n bytes to the temporary: 0 or -1 (errno set). */
int atomic_write(struct atomic_file *f, const void *p, size_t n);
/*
 * fsync, close, check the target again, rename, fsync the directory.
 * On failure the temporary is removed and the target untouched (unless
 * only the directory fsync failed). Returns as atomic_open().
 */
int atomic_commit(struct atomic_file *f);
/* Remove the temporary; for every failure before atomic_commit(). */
void atomic_abort(struct atomic_file *f);
/* fsync the directory holding path: 0 or -1 (errno set). */
int atomic_sync_dir(const char *path);
/* A sentence for a return of the functions above (errno for -1). */
const char *atomic_strerror(int rc);

#endif
