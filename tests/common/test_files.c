/* SPDX-License-Identifier: BSD-2-Clause */
/* Whole-file replacement and the process hardening helpers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic.h"
#include "common/harden.h"
#include "test.h"

static char dir[] = "/tmp/provisio-files-XXXXXX";

static void
in_dir(char *out, size_t cap, const char *name)
{
	snprintf(out, cap, "%s/%s", dir, name);
}

static int
write_whole(const char *path, const char *text)
{
	struct atomic_file	f;
	int			rc;

	if ((rc = atomic_open(&f, path)) != 0)
		return rc;
	if (atomic_write(&f, text, strlen(text)) != 0) {
		atomic_abort(&f);
		return -1;
	}
	return atomic_commit(&f);
}

static int
entries(void)
{
	char	cmd[256];
	FILE	*p;
	int	n = -1;

	snprintf(cmd, sizeof(cmd), "ls -A %s | wc -l", dir);
	if ((p = popen(cmd, "r")) != NULL) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

static void
replaces_regular_file(void)
{
	char		path[256], buf[16] = "";
	struct stat	st;
	FILE		*f;

	in_dir(path, sizeof(path), "plain");
	CHECK_INT(0, write_whole(path, "one"));
	CHECK_INT(0, write_whole(path, "two"));
	CHECK((f = fopen(path, "r")) != NULL);
	if (f != NULL) {
		CHECK(fgets(buf, sizeof(buf), f) != NULL);
		fclose(f);
	}
	CHECK(strcmp(buf, "two") == 0);
	CHECK_INT(0, stat(path, &st));
	CHECK_INT(0600, st.st_mode & 07777);
	CHECK_INT(1, entries());	/* no temporary left */
	unlink(path);
}

static void
refuses_link_and_fifo(void)
{
	char		link_[256], target[256], fifo[256];
	struct stat	st;

	in_dir(link_, sizeof(link_), "link");
	in_dir(target, sizeof(target), "target");
	in_dir(fifo, sizeof(fifo), "fifo");
	CHECK_INT(0, symlink(target, link_));
	CHECK_INT(ATOMIC_ESYMLINK, write_whole(link_, "x"));
	CHECK_INT(0, lstat(link_, &st));
	CHECK(S_ISLNK(st.st_mode));
	CHECK_INT(-1, stat(target, &st));
	CHECK_INT(0, mkfifo(fifo, 0600));
	CHECK_INT(ATOMIC_ENOTREG, write_whole(fifo, "x"));
	CHECK_INT(0, lstat(fifo, &st));
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_INT(ATOMIC_ENOTREG, write_whole(dir, "x"));
	CHECK(strstr(atomic_strerror(ATOMIC_ENOTREG), "not a regular file") !=
	    NULL);
	CHECK_INT(2, entries());
	unlink(link_);
	unlink(fifo);
}

/* Swapped for a FIFO between open and commit: still refused. */
static void
rechecks_at_commit(void)
{
	struct atomic_file	f;
	char			path[256];
	struct stat		st;

	in_dir(path, sizeof(path), "late");
	CHECK_INT(0, atomic_open(&f, path));
	CHECK_INT(0, atomic_write(&f, "x", 1));
	CHECK_INT(0, mkfifo(path, 0600));
	CHECK_INT(ATOMIC_ENOTREG, atomic_commit(&f));
	CHECK_INT(0, lstat(path, &st));
	CHECK(S_ISFIFO(st.st_mode));
	CHECK_INT(1, entries());
	unlink(path);
}

static void
secret_memory(void)
{
	unsigned char	*p = harden_alloc(100);
	size_t		 i;
	int		 zero = 1;

	CHECK(p != NULL);
	if (p == NULL)
		return;
	for (i = 0; i < 100; i++)
		zero &= p[i] == 0;
	CHECK(zero);
	memset(p, 0xA5, 100);
	harden_free(p, 100);
	harden_free(NULL, 100);
	CHECK(harden_alloc(0) == NULL);
}

/* Last: the process stays non-dumpable afterwards. */
static void
process_hardened(void)
{
	struct rlimit	 rl;
	const char	*v;
	char		 kek[] = "PROVISIO_KEK=00112233445566778899AABBCCDDEEFF"
	    "00112233445566778899AABBCCDDEEFF";

	CHECK(harden_env_taken(HARDEN_KEK_ENV) == NULL);
	CHECK_INT(0, putenv(kek));	/* in place, as the kernel's block */
	CHECK_INT(0, harden_process());
	CHECK(getenv(HARDEN_KEK_ENV) == NULL);
	/* The bytes where the environment had them are gone too. */
	CHECK(strstr(kek, "00112233") == NULL);
	v = harden_env_taken(HARDEN_KEK_ENV);
	CHECK(v != NULL && strcmp(v, "00112233445566778899AABBCCDDEEFF"
	    "00112233445566778899AABBCCDDEEFF") == 0);
	CHECK(harden_env_taken("OTHER") == NULL);
	CHECK_INT(0, prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	CHECK_INT(0, getrlimit(RLIMIT_CORE, &rl));
	CHECK_INT(0, rl.rlim_cur);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	RUN(replaces_regular_file);
	RUN(refuses_link_and_fifo);
	RUN(rechecks_at_commit);
	RUN(secret_memory);
	RUN(process_hardened);
	rmdir(dir);
	return test_summary();
}
