/* SPDX-License-Identifier: BSD-2-Clause */
/* Provisioning engine internals, shared by the provision*.c files. */
#ifndef NTAG424_PROVISION_INT_H
#define NTAG424_PROVISION_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "ntag424/provision.h"

#define NKEYS	NTAG424_PROV_NKEYS
#define KLEN	NTAG424_KEY_LEN

struct ntag424_prov {
	const ntag424_prov_store_t	*ops;
	void				*ctx;
	ntag424_prov_plan_t		 plan;
	bool				 has_plan;
	ntag424_template_t		*tpl;
	bool				 dry_run;
	bool				 expect;
	uint8_t				 expect_uid[NTAG424_UID_LEN];
};

enum run_op { OP_PROVISION, OP_RESET, OP_CHECK, OP_ADOPT };

/* One run's model of the tag; every key in it is wiped at the end. */
struct run {
	ntag424_prov_t		*p;
	ntag424_dev_t		*dev;
	ntag424_prov_report_t	*rep;
	enum run_op		 op;
	uint8_t			 uid[NTAG424_UID_LEN];
	ntag424_prov_tag_t	 tag;
	bool			 known;		/* the store has the tag */
	unsigned		 read_mask;	/* keys whose version was read */
	uint8_t			 ver[NKEYS];	/* GetKeyVersion */
	uint8_t			 key[NKEYS][KLEN];	/* the key on the tag */
	unsigned		 todo;		/* keys to change */
	uint8_t			 nkey[NKEYS][KLEN];	/* their new keys */
	uint8_t			 nver[NKEYS];
	unsigned		 stored;	/* new keys already pending */
	bool			 files;		/* write NDEF + ChangeFileSettings */
	const ntag424_template_t *tpl;		/* the plan's template */
	ntag424_template_t	*own_tpl;	/* compiled from the store */
	bool			 has_ctr;	/* the verified URL had one */
	bool			 random_uid;	/* GetVersion hid the UID */
	bool			 uid_confirmed;	/* GetCardUID agreed */
	size_t			 apdu0, byte0;
};

/* provision.c */
void run_init(struct run *r, ntag424_prov_t *p, ntag424_dev_t *dev,
    ntag424_prov_report_t *rep, enum run_op op);
int run_done(struct run *r, int code);
int run_fail(struct run *r, const char *step, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int run_store_fail(struct run *r, const char *step, int code, bool changed);
void run_step(struct run *r, const char *what, unsigned apdus);
int run_journal(struct run *r, const char *step, int keyno,
    const char *outcome, int code);
unsigned write_frames(const ntag424_dev_t *dev, size_t len);

/* provision_state.c */
int state_read(struct run *r);
int state_reconcile(struct run *r);
int state_found(struct run *r);

/* provision_run.c */
int run_provision(struct run *r);
int run_reset(struct run *r);
int plan_provision(struct run *r);
int plan_reset(struct run *r);

/* provision_adopt.c */
/*
 * The template an NDEF file (NLEN, one URI record) and the SDM settings
 * that mirror into it imply: the URL with each mirror's characters
 * replaced by its placeholder. NTAG424_OK, NTAG424_ERR_MALFORMED (no URL
 * record) or NTAG424_ERR_TEMPLATE (no SUN MAC, encrypted file data, a
 * mirror outside the URL or overlapping another, '{' or '}' in the URL,
 * or tmpl too small). Wire data: every offset is checked.
 */
int adopt_template(const uint8_t *file, size_t len, const ntag424_sdm_t *sdm,
    char *tmpl, size_t cap);

/* provision_rid.c */
int rid_confirm(struct run *r);
void rid_step(struct run *r);
int rid_set(struct run *r);

/* provision_check.c */
int phone_verify(struct run *r, const uint8_t meta[KLEN],
    const uint8_t file[KLEN]);
int auth_key0(struct run *r, const uint8_t key[KLEN], const char *step);
int counter_used(struct run *r);

/* provision_lrp.c */
int prov_compile(ntag424_template_t *t, const char *text,
    const ntag424_template_opts_t *opts, bool lrp);
const ntag424_template_t *prov_layout(const ntag424_template_t *t, bool lrp);
size_t prov_ndef_len(const ntag424_template_t *t);
int prov_switch_lrp(struct run *r);
int prov_tag_layout(struct run *r, const ntag424_template_t **t);

#endif
