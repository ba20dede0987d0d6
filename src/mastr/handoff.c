/* SPDX-License-Identifier: BSD-2-Clause */
/* Session key hand-off: kernel session keyring or a 0600 file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <keyutils.h>

#include "common/atomic.h"
#include "common/prim.h"
#include "mastr/err.h"
#include "mastr/handoff.h"

/* Written whole beside path; a link or device at path is refused. */
static int
file_store(const char *path, const uint8_t key[MASTR_KEY_LEN])
{
	struct atomic_file f;

	if (atomic_open(&f, path) != 0)
		return MASTR_ERR_IO;
	if (atomic_write(&f, key, MASTR_KEY_LEN) != 0) {
		atomic_abort(&f);
		return MASTR_ERR_IO;
	}
	return atomic_commit(&f) == 0 ? MASTR_OK : MASTR_ERR_IO;
}

static int
file_load(const char *path, uint8_t key[MASTR_KEY_LEN])
{
	struct stat	st;
	uint8_t		extra;
	int		fd, r = MASTR_ERR_IO;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return MASTR_ERR_IO;
	if (fstat(fd, &st) != 0 || (st.st_mode & 077) != 0 ||
	    read(fd, key, MASTR_KEY_LEN) != MASTR_KEY_LEN ||
	    read(fd, &extra, 1) != 0)
		goto fail;
	r = MASTR_OK;
fail:
	close(fd);
	return r;
}

int
mastr_handoff_store(const char *path, const uint8_t key[MASTR_KEY_LEN])
{
	if (path != NULL)
		return file_store(path, key);
	if (add_key("user", MASTR_KEYRING_DESC, key, MASTR_KEY_LEN,
	    KEY_SPEC_SESSION_KEYRING) < 0)
		return MASTR_ERR_KEYRING;
	return MASTR_OK;
}

int
mastr_handoff_load(const char *path, uint8_t key[MASTR_KEY_LEN])
{
	key_serial_t	id;
	long		n;
	int		r = MASTR_ERR_KEYRING;

	if (path != NULL) {
		r = file_load(path, key);
		goto done;
	}
	if ((id = (key_serial_t)keyctl_search(KEY_SPEC_SESSION_KEYRING, "user",
	    MASTR_KEYRING_DESC, 0)) < 0)
		goto done;
	n = keyctl_read(id, (char *)key, MASTR_KEY_LEN);
	r = n == MASTR_KEY_LEN ? MASTR_OK : MASTR_ERR_KEYRING;
done:
	if (r != MASTR_OK)
		wipe(key, MASTR_KEY_LEN);
	return r;
}
