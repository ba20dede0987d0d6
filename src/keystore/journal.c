/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The journal: every step of every run, append-only (the API has no update
 * or delete). Numbered per tag; one engine writes a tag at a time, so a
 * racing second writer fails on the primary key rather than interleaving.
 */
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "common/prim.h"
#include "keystore/ks.h"
#include "ntag424/err.h"

int
ntag424_ks_run_id_new(char out[NTAG424_KS_RUN_ID_LEN + 1])
{
	uint8_t id[NTAG424_KS_RUN_ID_LEN / 2];

	if (random_bytes(id, sizeof(id)) != 0)
		return NTAG424_ERR_CRYPTO;
	hex_encode(id, sizeof(id), out);
	return NTAG424_OK;
}

int
ntag424_ks_journal_append(ntag424_ks_t *ks,
    const struct ntag424_ks_journal_entry *e)
{
	char		uid[UID_HEX_LEN + 1];
	struct db_param	p[] = { P_TEXT(uid), P_TEXT(e->run_id),
	    P_TEXT(e->step), P_INT(e->keyno), P_TEXT(e->outcome), P_INT(e->sw),
	    P_INT(time(NULL)) };

	if (memchr(e->run_id, '\0', sizeof(e->run_id)) == NULL ||
	    memchr(e->step, '\0', sizeof(e->step)) == NULL ||
	    memchr(e->outcome, '\0', sizeof(e->outcome)) == NULL ||
	    e->step[0] == '\0' || e->outcome[0] == '\0' || e->keyno < -1 ||
	    e->keyno >= NTAG424_KS_NKEYS)
		return ks_fail(ks, NTAG424_ERR_ARG, "invalid journal entry");
	ks_uid_hex(e->uid, uid);
	return ks_exec(ks, "appending to the journal", "INSERT INTO journal "
	    "(uid, seq, run_id, step, keyno, outcome, sw, ts) "
	    "SELECT CAST($1 AS TEXT), COALESCE(MAX(seq), 0) + 1, "
	    "CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS BIGINT), "
	    "CAST($5 AS TEXT), CAST($6 AS BIGINT), CAST($7 AS BIGINT) "
	    "FROM journal WHERE uid = CAST($1 AS TEXT)", p, 7, NULL);
}

static void
copy_text(char *dst, size_t cap, const char *src)
{
	if (src == NULL || ks_strcpy(dst, cap, src) != 0)
		dst[0] = '\0';
}

int
ntag424_ks_journal_read(ntag424_ks_t *ks,
    const uint8_t uid[NTAG424_KS_UID_LEN],
    int (*fn)(const struct ntag424_ks_journal_entry *, void *), void *arg)
{
	char				 uidhex[UID_HEX_LEN + 1];
	struct db_param			 p[] = { P_TEXT(uidhex) };
	struct ntag424_ks_journal_entry	 e;
	const struct db_backend		*be = ks->be;
	db_res_t			*res = NULL;
	int				 r;

	ks_uid_hex(uid, uidhex);
	if ((r = ks_query(ks, "reading the journal", "SELECT seq, run_id, "
	    "step, keyno, outcome, sw, ts FROM journal WHERE uid = $1 "
	    "ORDER BY seq", p, 1, &res)) != NTAG424_OK)
		return r;
	while ((r = ks_next(ks, "reading the journal", res)) == 1) {
		memset(&e, 0, sizeof(e));
		memcpy(e.uid, uid, sizeof(e.uid));
		e.seq = (uint64_t)be->col_int(res, 0);
		copy_text(e.run_id, sizeof(e.run_id), be->col_text(res, 1));
		copy_text(e.step, sizeof(e.step), be->col_text(res, 2));
		e.keyno = (int)be->col_int(res, 3);
		copy_text(e.outcome, sizeof(e.outcome), be->col_text(res, 4));
		e.sw = (int)be->col_int(res, 5);
		e.ts = be->col_int(res, 6);
		if ((r = fn(&e, arg)) != 0)
			break;
	}
	be->res_free(res);
	return r;
}
