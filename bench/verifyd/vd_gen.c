/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Scale generator for ntag424-verifyd: provisioned tags through the
 * keystore API, and the URLs those tags would produce, without PC/SC or an
 * emulated tag (the SUN data is computed here and the first URL checked
 * with libntag424 before anything is printed).
 *
 *   vd_gen tags DB KEK N [FIRST [random]]
 *       one master key, cohort key "scale" (the SDM meta-read key of every
 *       tag) and N tags FIRST (0), FIRST + 1, ... of template TEMPLATE,
 *       each with its file-read key (the templates' default, key 3)
 *       diversified from the master key (keystore.h), or random with
 *       "random", stored as the tag's current key, all in one transaction.
 *       Tag i has UID 04 || i (4 bytes, big-endian) || 5A 42.
 *   vd_gen urls DB KEK N COUNT [FIRST]
 *       COUNT first taps spread over the N tags from FIRST: URL j is tag
 *       FIRST + (j * STRIDE) mod N with counter j / N + 1 (rounds of
 *       every tag), one path and query per line. The key source is that
 *       of tag FIRST.
 *   vd_gen unknown DB KEK COUNT
 *       COUNT URLs whose PICCData decrypts under the cohort key to a random
 *       UID no tag has (what an attacker who knows the cohort key sends);
 *       the MAC is random.
 *
 * Bench and test tool: it uses the keystore's internal transaction and
 * import helpers (keystore/ks.h) to write a million rows in one go.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "common/prim.h"
#include "keystore/ks.h"
#include "ntag424.h"

#define TEMPLATE	"https://scale.example/s?picc={picc}&cmac={mac}"
#define COHORT		"scale"
#define STRIDE		999983UL	/* prime: a permutation of any N */

struct keys {
	uint8_t		master[16];
	uint8_t		meta[16];
	uint32_t	mver;
	ntag424_ks_t	*ks;		/* random file-read keys: read them */
};

static int file_keyno;

static void
die(const char *what, int r, ntag424_ks_t *ks)
{
	fprintf(stderr, "vd_gen: %s: %s %s\n", what, ntag424_strerror(r),
	    ks != NULL ? ntag424_ks_errmsg(ks) : "");
	exit(1);
}

static ntag424_ks_t *
ks_open(const char *db, const char *kek)
{
	struct ntag424_ks_opts	 o = { db, kek, 0, 0 };
	ntag424_ks_t		*ks = ntag424_ks_new();
	int			 r;

	if (ks == NULL || (r = ntag424_ks_open(ks, &o)) != NTAG424_OK)
		die("open keystore", ks == NULL ? NTAG424_ERR_NOMEM : r, ks);
	return ks;
}

static void
uid_of(unsigned long i, uint8_t uid[7])
{
	uid[0] = 0x04;
	uid[1] = (uint8_t)(i >> 24);
	uid[2] = (uint8_t)(i >> 16);
	uid[3] = (uint8_t)(i >> 8);
	uid[4] = (uint8_t)i;
	uid[5] = 0x5A;
	uid[6] = 0x42;
}

/* The tag's file-read key, version 1. */
static void
file_key(const struct keys *k, const uint8_t uid[7], uint8_t key[16])
{
	int r;

	if (k->ks != NULL)
		r = ntag424_ks_key_get(k->ks, uid, file_keyno,
		    NTAG424_KS_CURRENT, key, NULL);
	else
		r = ntag424_ks_diversify(k->master, uid, file_keyno, 1, key);
	if (r != NTAG424_OK)
		die("file-read key", r, k->ks);
}

static void
add_tag(ntag424_ks_t *ks, const struct keys *k, unsigned long i, int64_t now,
    bool random)
{
	struct ntag424_ks_tag	t;
	uint8_t			key[16];
	int			added, r;

	memset(&t, 0, sizeof(t));
	uid_of(i, t.uid);
	t.status = NTAG424_KS_PROVISIONED;
	snprintf(t.name, sizeof(t.name), "scale");
	snprintf(t.tmpl, sizeof(t.tmpl), "%s", TEMPLATE);
	t.source = random ? NTAG424_KS_SRC_RANDOM : NTAG424_KS_SRC_DIVERSIFIED;
	t.master_version = random ? 0 : k->mver;
	t.generation = 1;
	t.created = t.updated = t.provisioned = now;
	if (random)
		r = random_bytes(key, sizeof(key)) == 0 ? NTAG424_OK :
		    NTAG424_ERR_CRYPTO;
	else
		r = ntag424_ks_diversify(k->master, t.uid, file_keyno, 1, key);
	if (r != NTAG424_OK || (r = ks_tag_import(ks, &t, &added)) !=
	    NTAG424_OK ||
	    (r = ks_key_import(ks, t.uid, file_keyno, NTAG424_KS_CURRENT,
	    NTAG424_KS_APPLIED, 1, key, &added)) != NTAG424_OK)
		die("add tag", r, ks);
	wipe(key, sizeof(key));
}

static int
tags(const char *db, const char *kek, unsigned long n, unsigned long first,
    bool random)
{
	ntag424_ks_t	*ks = ks_open(db, kek);
	struct keys	 k;
	uint32_t	 v;
	int		 created, r;

	if ((r = ntag424_ks_master_latest(ks, k.master, &k.mver, &created)) !=
	    NTAG424_OK ||
	    (r = ntag424_ks_cohort_latest(ks, COHORT, k.meta, &v, &created)) !=
	    NTAG424_OK)
		die("master/cohort key", r, ks);
	if ((r = ks_begin(ks, DB_TX_WRITE)) != NTAG424_OK)
		die("begin", r, ks);
	for (unsigned long i = first; i < first + n; i++)
		add_tag(ks, &k, i, (int64_t)time(NULL), random);
	if ((r = ks_commit(ks)) != NTAG424_OK)
		die("commit", r, ks);
	wipe(&k, sizeof(k));
	ntag424_ks_free(&ks);
	return 0;
}

/* The keys, and the handle kept open when tag first's keys are random. */
static void
load_keys(const char *db, const char *kek, unsigned long first,
    struct keys *k)
{
	struct ntag424_ks_tag	 t;
	ntag424_ks_t		*ks = ks_open(db, kek);
	uint8_t			 uid[7];
	uint32_t		 v;
	int			 r;

	uid_of(first, uid);
	memset(k, 0, sizeof(*k));
	if ((r = ntag424_ks_master_get(ks, 0, k->master, &k->mver)) !=
	    NTAG424_OK ||
	    (r = ntag424_ks_cohort_get(ks, COHORT, 0, k->meta, &v)) !=
	    NTAG424_OK)
		die("master/cohort key", r, ks);
	if (ntag424_ks_tag_get(ks, uid, &t) == NTAG424_OK &&
	    t.source == NTAG424_KS_SRC_RANDOM)
		k->ks = ks;
	else
		ntag424_ks_free(&ks);
}

/*
 * NT4H2421Gx 9.3: PICCData = PICCDataTag (UID and counter mirrored, UID
 * length 7) || UID || SDMReadCtr (LE) || padding, encrypted under the
 * meta-read key; SV2 = 3C C3 00 01 00 80 || UID || SDMReadCtr gives the
 * MAC session key; with no {macin} the MAC input is empty.
 */
static void
sun_url(const struct keys *k, const uint8_t uid[7], uint32_t ctr,
    bool genuine, char *out, size_t cap)
{
	uint8_t	pt[16], enc[16], sv2[16], fkey[16], ses[16], full[16], mac[8];
	char	ehex[33], mhex[17];

	pt[0] = 0xC7;
	memcpy(pt + 1, uid, 7);
	pt[8] = (uint8_t)ctr;
	pt[9] = (uint8_t)(ctr >> 8);
	pt[10] = (uint8_t)(ctr >> 16);
	if (random_bytes(pt + 11, 5) != 0 ||
	    aes128_ecb_encrypt(k->meta, pt, enc) != 0)
		die("encrypt", NTAG424_ERR_CRYPTO, NULL);
	if (genuine) {
		static const uint8_t head[6] = { 0x3C, 0xC3, 0x00, 0x01, 0x00,
		    0x80 };

		memcpy(sv2, head, 6);
		memcpy(sv2 + 6, uid, 7);
		memcpy(sv2 + 13, pt + 8, 3);
		file_key(k, uid, fkey);
		if (aes128_cmac(fkey, sv2, 16, ses) != 0 ||
		    aes128_cmac(ses, NULL, 0, full) != 0)
			die("mac", NTAG424_ERR_CRYPTO, NULL);
		cmac_truncate(full, mac);
	} else if (random_bytes(mac, sizeof(mac)) != 0)
		die("random", NTAG424_ERR_CRYPTO, NULL);
	hex_encode(enc, 16, ehex);
	hex_encode(mac, 8, mhex);
	snprintf(out, cap, "/s?picc=%s&cmac=%s", ehex, mhex);
	wipe(pt, sizeof(pt));
	wipe(fkey, sizeof(fkey));
	wipe(ses, sizeof(ses));
}

/* The first URL through libntag424's own verifier: our SUN is its SUN. */
static void
self_check(const struct keys *k, const uint8_t uid[7], const char *url)
{
	ntag424_template_t	*t = ntag424_template_new();
	ntag424_sun_ctx_t	*ctx = ntag424_sun_ctx_new();
	ntag424_sun_t		 sun;
	uint8_t			 fkey[16];

	file_key(k, uid, fkey);
	if (t == NULL || ctx == NULL ||
	    ntag424_template_compile(t, TEMPLATE, NULL) != NTAG424_OK ||
	    ntag424_sun_ctx_set_meta_key(ctx, k->meta) != NTAG424_OK ||
	    ntag424_sun_ctx_set_file_key(ctx, fkey) != NTAG424_OK ||
	    ntag424_sun_verify(ctx, t, url, strlen(url), &sun) != NTAG424_OK)
		die("self-check of the first URL", NTAG424_ERR_BAD_MAC, NULL);
	ntag424_sun_clear(&sun);
	ntag424_sun_ctx_free(&ctx);
	ntag424_template_free(&t);
	wipe(fkey, sizeof(fkey));
}

static int
urls(const char *db, const char *kek, unsigned long n, unsigned long count,
    unsigned long first)
{
	struct keys	k;
	uint8_t		uid[7];
	char		url[128];

	load_keys(db, kek, first, &k);
	uid_of(first, uid);
	sun_url(&k, uid, 1, true, url, sizeof(url));
	self_check(&k, uid, url);
	for (unsigned long j = 0; j < count; j++) {
		uid_of(first + (unsigned long)((j * STRIDE) % n), uid);
		sun_url(&k, uid, (uint32_t)(j / n + 1), true, url, sizeof(url));
		puts(url);
	}
	ntag424_ks_free(&k.ks);
	wipe(&k, sizeof(k));
	return 0;
}

static int
unknown(const char *db, const char *kek, unsigned long count)
{
	struct keys	k;
	uint8_t		uid[7];
	char		url[128];

	load_keys(db, kek, 0, &k);
	ntag424_ks_free(&k.ks);
	for (unsigned long j = 0; j < count; j++) {
		if (random_bytes(uid, sizeof(uid)) != 0)
			die("random", NTAG424_ERR_CRYPTO, NULL);
		uid[0] = 0x08;		/* never a UID of vd_gen tags */
		sun_url(&k, uid, 1, false, url, sizeof(url));
		puts(url);
	}
	wipe(&k, sizeof(k));
	return 0;
}

static unsigned long
num(const char *s, unsigned long min)
{
	char		*end;
	unsigned long	 v = strtoul(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > 0xFFFFFFFFUL) {
		fprintf(stderr, "vd_gen: not a count: %s\n", s);
		exit(2);
	}
	return v;
}

int
main(int argc, char **argv)
{
	ntag424_template_opts_t o;

	ntag424_template_opts_init(&o);
	file_keyno = o.file_read;
	if (argc >= 5 && argc <= 7 && strcmp(argv[1], "tags") == 0 &&
	    (argc < 7 || strcmp(argv[6], "random") == 0))
		return tags(argv[2], argv[3], num(argv[4], 1),
		    argc > 5 ? num(argv[5], 0) : 0, argc == 7);
	if ((argc == 6 || argc == 7) && strcmp(argv[1], "urls") == 0)
		return urls(argv[2], argv[3], num(argv[4], 1), num(argv[5], 1),
		    argc == 7 ? num(argv[6], 0) : 0);
	if (argc == 5 && strcmp(argv[1], "unknown") == 0)
		return unknown(argv[2], argv[3], num(argv[4], 1));
	fprintf(stderr, "usage: vd_gen tags DB KEK N [FIRST [random]] | "
	    "urls DB KEK N COUNT [FIRST] | unknown DB KEK COUNT\n");
	return 2;
}
