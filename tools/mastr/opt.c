/* SPDX-License-Identifier: BSD-2-Clause */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "mastr/tpm.h"
#include "opt.h"

int
opt_u32(const char *s, uint32_t *v)
{
	char			*end;
	unsigned long long	 n;

	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || n > UINT32_MAX ||
	    *s == '-')
		return -1;
	*v = (uint32_t)n;
	return 0;
}

int
opt_ms(const char *s, int *v)
{
	char	*end;
	long	 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n < 0 || n > INT_MAX)
		return -1;
	*v = (int)n;
	return 0;
}

const char *
opt_tcti(const char *arg)
{
	const char *env;

	if (arg != NULL)
		return arg;
	if ((env = getenv("MASTR_TCTI")) != NULL && *env != '\0')
		return env;
	return MASTR_TPM_DEFAULT_TCTI;
}

void
opt_quiet_tss(void)
{
	/* Probing a missing handle makes ESYS log (docs/mastr-protocol.md 7). */
	setenv("TSS2_LOG", "all+none", 0);
}
