/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic.h"
#include "common/hex.h"
#include "common/prim.h"

#define TMP_TRIES	16

/* A missing target is fine: the rename creates it. */
static int
check_target(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (S_ISLNK(st.st_mode))
		return ATOMIC_ESYMLINK;
	if (!S_ISREG(st.st_mode))
		return ATOMIC_ENOTREG;
	return 0;
}

int
atomic_open(struct atomic_file *f, const char *path)
{
	uint8_t	rnd[6];
	char	suffix[2 * sizeof(rnd) + 1];
	int	n, rc;

	f->fd = -1;
	f->tmp[0] = '\0';
	if ((rc = check_target(path)) != 0)
		return rc;
	if (strlen(path) >= sizeof(f->path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(f->path, path, strlen(path) + 1);
	for (int i = 0; i < TMP_TRIES; i++) {
		if (random_bytes(rnd, sizeof(rnd)) != 0) {
			errno = EIO;
			return -1;
		}
		hex_encode(rnd, sizeof(rnd), suffix);
		n = snprintf(f->tmp, sizeof(f->tmp), "%s.tmp-%s", path, suffix);
		if (n < 0 || (size_t)n >= sizeof(f->tmp)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (f->fd >= 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	f->tmp[0] = '\0';
	return -1;
}

int
atomic_write(struct atomic_file *f, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(f->fd, c, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

void
atomic_abort(struct atomic_file *f)
{
	int saved = errno;

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp[0] != '\0')
		unlink(f->tmp);
	f->tmp[0] = '\0';
	errno = saved;
}

int
atomic_sync_dir(const char *path)
{
	char		 dir[ATOMIC_TMP_MAX];
	const char	*slash = strrchr(path, '/');
	size_t		 n;
	int		 fd, rc;

	if (slash == NULL)
		memcpy(dir, ".", 2);
	else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir)) {
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
atomic_commit(struct atomic_file *f)
{
	int rc;

	if (fsync(f->fd) != 0 || close(f->fd) != 0) {
		f->fd = -1;
		atomic_abort(f);
		return -1;
	}
	f->fd = -1;
	/* The target may have been swapped since atomic_open(). */
	if ((rc = check_target(f->path)) != 0 || rename(f->tmp, f->path) != 0) {
		atomic_abort(f);
		return rc != 0 ? rc : -1;
	}
	f->tmp[0] = '\0';
	return atomic_sync_dir(f->path);
}

const char *
atomic_strerror(int rc)
{
	switch (rc) {
	case ATOMIC_ESYMLINK:
		return "it is a symbolic link: refusing to replace it (give the "
		    "real path)";
	case ATOMIC_ENOTREG:
		return "it is not a regular file (a device, FIFO or directory): "
		    "refusing to replace it";
	default:
		return strerror(errno);
	}
}
