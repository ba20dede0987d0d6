/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Keeping keys inside the process: no core dumps, no ptrace by the same
 * user, no KEK left readable in /proc/PID/environ, key memory marked
 * MADV_DONTDUMP.
 */
#ifndef PROVISIO_HARDEN_H
#define PROVISIO_HARDEN_H

#include <stddef.h>

#define HARDEN_KEK_ENV	"PROVISIO_KEK"

/*
 * Call first in main(), before any thread starts: sets RLIMIT_CORE to 0
 * and PR_SET_DUMPABLE to 0 (no core file; /proc/PID/mem, environ and
 * ptrace closed to the user), then takes PROVISIO_KEK out of the
 * environment: its value is copied into memory excluded from core dumps,
 * the variable unset and its bytes overwritten where /proc/PID/environ
 * reads them. Returns 0, or -1 with errno set if the process could not be
 * made non-dumpable.
 */
int harden_process(void);

/*
 * The value harden_process() took out of the environment for name, or
 * NULL (not taken, or not set at start). The library reads the variable
 * with getenv() first, so programs that never call harden_process()
 * (tests) keep plain environment semantics.
 */
const char *harden_env_taken(const char *name);

/*
 * Zeroed memory for keys that live long, in whole pages marked
 * MADV_DONTDUMP (and locked when the limit allows). NULL on failure.
 * harden_free() wipes and unmaps; NULL-safe; n must be the size given.
 */
void *harden_alloc(size_t n);
void harden_free(void *p, size_t n);

#endif
