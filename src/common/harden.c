/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/harden.h"
#include "common/prim.h"

extern char **environ;

#define ENV_VALUE_MAX	256

static char	*env_copy;	/* ENV_VALUE_MAX bytes, DONTDUMP */
static char	 env_name[64];

static size_t
page_round(size_t n)
{
	long	pg = sysconf(_SC_PAGESIZE);
	size_t	ps = pg > 0 ? (size_t)pg : 4096;

	return (n + ps - 1) / ps * ps;
}

/*
 * Page-aligned heap memory, whole pages, not mmap(): the allocator's
 * chunks are what leak checkers (LeakSanitizer) scan for pointers, and the
 * keystore handle kept here holds the only pointers to its connections.
 */
void *
harden_alloc(size_t n)
{
	size_t	 len = page_round(n);
	void	*p = NULL;

	if (n == 0 || posix_memalign(&p, (size_t)sysconf(_SC_PAGESIZE),
	    len) != 0)
		return NULL;
	memset(p, 0, len);
	/* Both are best effort: a core is already off by harden_process(). */
	(void)madvise(p, len, MADV_DONTDUMP);
	(void)mlock(p, len);
	return p;
}

void
harden_free(void *p, size_t n)
{
	size_t len = page_round(n);

	if (p == NULL)
		return;
	wipe(p, len);
	(void)munlock(p, len);
	(void)madvise(p, len, MADV_DODUMP);
	free(p);
}

/*
 * unsetenv() only drops the pointers from environ: the bytes stay where the
 * kernel placed them and /proc/PID/environ keeps showing them. Every entry
 * of the name is wiped (an environment may carry one twice).
 */
static void
scrub(const char *name)
{
	char	*seen[8];
	size_t	 n = 0, nlen = strlen(name);

	for (char **e = environ; e != NULL && *e != NULL && n < 8; e++)
		if (strncmp(*e, name, nlen) == 0 && (*e)[nlen] == '=')
			seen[n++] = *e;
	(void)unsetenv(name);	/* before the wipe, which hides the name */
	for (size_t i = 0; i < n; i++)
		wipe(seen[i], strlen(seen[i]));
}

/* Once, from harden_process() before any thread: no lock needed. */
static void
take_env(const char *name)
{
	char	*v = getenv(name);
	size_t	 n;

	if (v == NULL || strlen(name) >= sizeof(env_name))
		return;
	if (env_copy == NULL && (env_copy = harden_alloc(ENV_VALUE_MAX)) == NULL)
		return;
	/* Longer than any key: kept as "", which the reader rejects. */
	n = strlen(v) < ENV_VALUE_MAX ? strlen(v) : 0;
	memcpy(env_copy, v, n);
	env_copy[n] = '\0';
	memcpy(env_name, name, strlen(name) + 1);
	scrub(name);
}

const char *
harden_env_taken(const char *name)
{
	if (env_copy == NULL || strcmp(env_name, name) != 0)
		return NULL;
	return env_copy;
}

int
harden_process(void)
{
	struct rlimit no_core = { 0, 0 };

	(void)setrlimit(RLIMIT_CORE, &no_core);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return -1;
	take_env(HARDEN_KEK_ENV);
	return 0;
}
