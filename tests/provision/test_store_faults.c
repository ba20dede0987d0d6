/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The keystore failing under the engine (disk full, database locked or
 * gone mid-run): a store that fails from its k-th write on, for every k
 * of a provision and of a reset. The run must stop with the store's
 * message and say whether the tag was touched; once the store works
 * again a rerun finishes, the keystore agrees with the tag, and no key is
 * lost. Also: a really locked SQLite database, with its exact message.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "test.h"

/* A store that forwards to the keystore's and fails writes from fail_at on. */
static const ntag424_prov_store_t	*real;
static unsigned long			 writes, fail_at;

static int
gate(void)
{
	writes++;
	return fail_at != 0 && writes >= fail_at ? NTAG424_ERR_STORE :
	    NTAG424_OK;
}

static int
f_tag_begin(void *c, const uint8_t *u, const char *n, const char *t, int s)
{
	return gate() != NTAG424_OK ? NTAG424_ERR_STORE :
	    real->tag_begin(c, u, n, t, s);
}

static int
f_tag_status(void *c, const uint8_t *u, int s)
{
	return gate() != NTAG424_OK ? NTAG424_ERR_STORE :
	    real->tag_status(c, u, s);
}

static int
f_intend(void *c, const uint8_t *u, int k, const uint8_t *key, uint8_t v)
{
	return gate() != NTAG424_OK ? NTAG424_ERR_STORE :
	    real->key_intend(c, u, k, key, v);
}

#define FWD(name) \
static int \
f_##name(void *c, const uint8_t *u, int k) \
{ \
	return gate() != NTAG424_OK ? NTAG424_ERR_STORE : real->name(c, u, k); \
}
FWD(key_sent)
FWD(key_applied)
FWD(key_abandon)

static int
f_journal(void *c, const uint8_t *u, const char *s, int k, const char *o,
    int code)
{
	return gate() != NTAG424_OK ? NTAG424_ERR_STORE :
	    real->journal(c, u, s, k, o, code);
}

static int
f_tag_get(void *c, const uint8_t *u, ntag424_prov_tag_t *t)
{
	return real->tag_get(c, u, t);
}

static int
f_key_get(void *c, const uint8_t *u, int k, int s, uint8_t *key,
    uint8_t *v, int *st)
{
	return real->key_get(c, u, k, s, key, v, st);
}

static int
f_key_new(void *c, const uint8_t *u, int k, uint8_t v, uint8_t *key)
{
	return real->key_new(c, u, k, v, key);
}

static int
f_cohort_key(void *c, const char *name, uint8_t *key)
{
	return gate() != NTAG424_OK ? NTAG424_ERR_STORE :
	    real->cohort_key(c, name, key);
}

static int
f_counter_used(void *c, const uint8_t *u, uint32_t ctr)
{
	return gate() != NTAG424_OK ? NTAG424_ERR_STORE :
	    real->counter_used(c, u, ctr);
}

static const char *
f_errmsg(void *c)
{
	(void)c;
	return "disk I/O error (injected)";
}

static const ntag424_prov_store_t faulty = {
	f_tag_get, f_tag_begin, f_tag_status, f_key_get, f_key_new, f_intend,
	f_key_sent, f_key_applied, f_key_abandon, f_journal, f_errmsg,
	f_cohort_key, f_counter_used,
};

/* A game coin with the faulty store, provisioned first for a reset. */
static void
prepare(struct fx *f, int reset)
{
	fx_init(f, NULL, "game-coin", NTAG424_KS_SRC_RANDOM);
	real = ksprov_ops();
	if (reset && !CHECK_INT(NTAG424_OK, fx_provision(f)))
		fx_dump(f);
	fx_represent(f);
	CHECK_INT(NTAG424_OK, ntag424_prov_set_store(f->p, &faulty, &f->sp));
	writes = 0;
}

static int
op(struct fx *f, int reset)
{
	return reset ? fx_reset(f) : fx_provision(f);
}

static void
sweep(int reset)
{
	struct fx	f;
	unsigned long	total;
	unsigned	cases = 0, recovered = 0;

	prepare(&f, reset);
	fail_at = 0;
	CHECK_INT(NTAG424_OK, op(&f, reset));
	total = writes;
	fx_free(&f);
	for (unsigned long k = 1; k <= total; k++) {
		int r1, r2, ok;

		prepare(&f, reset);
		fail_at = k;
		r1 = op(&f, reset);
		fail_at = 0;
		fx_represent(&f);
		r2 = op(&f, reset);
		ok = r1 == NTAG424_ERR_STORE && r2 == NTAG424_OK &&
		    fx_agrees(&f, reset ? NTAG424_KS_FACTORY :
		    NTAG424_KS_PROVISIONED) && f.rep.failed_auths == 0;
		if (ok && !reset) {
			fx_represent(&f);
			ok = fx_check(&f) == NTAG424_OK;
		}
		if (!ok) {
			fprintf(stderr, "  %s: store fails at write %lu: %d, "
			    "%d\n", reset ? "reset" : "provision", k, r1, r2);
			fx_dump(&f);
		}
		cases++;
		recovered += ok ? 1u : 0u;
		fx_free(&f);
	}
	printf("store failure at every write of a %s: %u cases, %u "
	    "recovered\n", reset ? "reset" : "provision", cases, recovered);
	CHECK(total > 5);
	CHECK_INT(total, cases);
	CHECK_INT(cases, recovered);
}

static void
store_fails_provision(void)
{
	sweep(0);
}

static void
store_fails_reset(void)
{
	sweep(1);
}

static void
store_message_and_hint(void)
{
	struct fx f;

	fx_init(&f, NULL, "game-coin", NTAG424_KS_SRC_RANDOM);
	real = ksprov_ops();
	CHECK_INT(NTAG424_OK, ntag424_prov_set_store(f.p, &faulty, &f.sp));
	writes = 0;
	fail_at = 1;
	(void)emu_take_changed(f.emu);
	CHECK_INT(NTAG424_ERR_STORE, fx_provision(&f));
	CHECK(strcmp(f.rep.message, "keystore: disk I/O error (injected) "
	    "(NTAG424_ERR_STORE)") == 0);
	CHECK(strstr(f.rep.hint, "nothing was sent to the tag") != NULL);
	CHECK_INT(0, emu_take_changed(f.emu));
	fail_at = 0;
	fx_free(&f);
}

static void
locked_database(void)
{
	struct fx	 f;
	sqlite3		*db = NULL;

	fx_init(&f, NULL, "game-coin", NTAG424_KS_SRC_RANDOM);
	CHECK_INT(SQLITE_OK, sqlite3_open(f.db, &db));
	CHECK_INT(SQLITE_OK, sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL,
	    NULL));
	(void)emu_take_changed(f.emu);
	CHECK_INT(NTAG424_ERR_STORE, fx_provision(&f));
	CHECK(strstr(f.rep.message, "keystore: ") != NULL);
	CHECK(strstr(f.rep.message, "locked") != NULL);
	CHECK(strstr(f.rep.hint, "nothing was sent to the tag") != NULL);
	if (strstr(f.rep.message, "locked") == NULL)
		fx_dump(&f);
	CHECK_INT(0, emu_take_changed(f.emu));
	CHECK_INT(SQLITE_OK, sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL));
	sqlite3_close(db);
	CHECK_INT(NTAG424_OK, fx_provision(&f));
	CHECK(fx_agrees(&f, NTAG424_KS_PROVISIONED));
	fx_free(&f);
}

/*
 * The last write of a provision records the verified URL's counter. When
 * it fails, the tag is provisioned but the URL is not used up: the run
 * says so, and a check, whose newer counter is recorded, retires it.
 */
static void
counter_write_fails(void)
{
	struct fx	f;
	unsigned long	total;
	uint32_t	ctr = 0;
	int		r;

	prepare(&f, 0);
	fail_at = 0;
	CHECK_INT(NTAG424_OK, fx_provision(&f));
	total = writes;
	fx_free(&f);
	prepare(&f, 0);
	fail_at = total;
	CHECK_INT(NTAG424_ERR_STORE, fx_provision(&f));
	fail_at = 0;
	CHECK(!f.rep.ctr_used);
	CHECK(strcmp(f.rep.step, "counter") == 0);
	CHECK(strcmp(f.rep.message, "keystore: disk I/O error (injected) "
	    "(NTAG424_ERR_STORE)") == 0);
	CHECK(strstr(f.rep.hint, "the URL read to verify it (counter 1) is "
	    "not marked used") != NULL);
	CHECK(fx_agrees(&f, NTAG424_KS_PROVISIONED));
	/* no counter stored, or one below the URL's (a row made at 0) */
	r = ntag424_ks_counter_get(f.ks, emu_persist_const(f.emu)->uid, 1,
	    &ctr);
	CHECK(r == NTAG424_ERR_NOT_FOUND || (r == NTAG424_OK && ctr < 1));
	fx_represent(&f);
	CHECK_INT(NTAG424_OK, fx_check(&f));
	CHECK(f.rep.ctr_used);
	CHECK_INT(NTAG424_OK, ntag424_ks_counter_get(f.ks,
	    emu_persist_const(f.emu)->uid, 1, &ctr));
	CHECK_INT(2, ctr);
	fx_free(&f);
}

int
main(int argc, char **argv)
{
	fx_setup(argc, argv);
	RUN(store_message_and_hint);
	RUN(store_fails_provision);
	RUN(store_fails_reset);
	RUN(locked_database);
	RUN(counter_write_fails);
	fx_teardown();
	return test_summary();
}
