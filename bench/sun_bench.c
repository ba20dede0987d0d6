/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SUN verifications per second, in process, one thread: the AN12196 SUN-2
 * URL (vector SUN-2) parsed and verified, an LRP tag's URL (sdm-backend's
 * test_sdm_lrp2: 48-digit PICCData and MAC) the same way, next to the raw
 * AES-128-ECB block rate of the same machine in the same run.
 *
 * Each figure is measured for at least the given time, three times in
 * turn with the others (so that a burst of load elsewhere hits every
 * figure alike), and the best of the three is printed.
 *
 * usage: sun_bench [seconds per measurement, default 1]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "ntag424.h"

#define ROUNDS	3
#define BATCH	10000
#define LRP_BATCH 500	/* an LRP verification is some 300 AES key setups */

static const char *tpl_text = "https://ntag.nxp.com/424?e={picc}&c={mac}";
static const char *url = "https://ntag.nxp.com/424?"
    "e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086";

static const char *lrp_tpl_text = "https://example.com/?picc_data={picc}"
    "&cmac={mac}";
static const char *lrp_url = "https://example.com/?"
    "picc_data=1FCBE61B3E4CAD980CBFDD333E7A4AC4A579569BAFD22C5F"
    "&cmac=4231608BA7B02BA9";

struct bench {
	EVP_CIPHER_CTX		*aes;
	ntag424_template_t	*tpl;
	ntag424_template_t	*lrp_tpl;	/* NTAG424_SDM_ANY */
	ntag424_sun_ctx_t	*ctx;
	ntag424_sun_t		 sun;
	size_t			 url_len;
	size_t			 lrp_url_len;
};

/* One batch of each workload; the operations done, or -1. */
typedef long batch_fn(struct bench *);

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Raw AES-128-ECB, one block per EVP_EncryptUpdate, a reused context. */
static long
aes_batch(struct bench *b)
{
	unsigned char	blk[16] = { 0 };
	int		outl;

	for (int i = 0; i < BATCH; i++)
		if (EVP_EncryptUpdate(b->aes, blk, &outl, blk, 16) != 1 ||
		    outl != 16)
			return -1;
	return BATCH;
}

static int
verify_one(struct bench *b)
{
	if (ntag424_sun_verify(b->ctx, b->tpl, url, b->url_len, &b->sun) !=
	    NTAG424_OK || b->sun.read_ctr != 61)
		return -1;
	return 0;
}

/* Whole verifications with the keys set once. */
static long
sun_batch(struct bench *b)
{
	for (int i = 0; i < BATCH; i++)
		if (verify_one(b) != 0)
			return -1;
	return BATCH;
}

/* The same, the file-read key set before every URL (per-UID keys). */
static long
sun_rekey_batch(struct bench *b)
{
	static const uint8_t key[16];

	for (int i = 0; i < BATCH; i++)
		if (ntag424_sun_ctx_set_file_key(b->ctx, key) != NTAG424_OK ||
		    verify_one(b) != 0)
			return -1;
	return BATCH;
}

/* The LRP URL through a template of either mode (picked by length). */
static int
verify_lrp(struct bench *b)
{
	if (ntag424_sun_verify(b->ctx, b->lrp_tpl, lrp_url, b->lrp_url_len,
	    &b->sun) != NTAG424_OK || b->sun.read_ctr != 3 || !b->sun.lrp)
		return -1;
	return 0;
}

static long
lrp_batch(struct bench *b)
{
	for (int i = 0; i < LRP_BATCH; i++)
		if (verify_lrp(b) != 0)
			return -1;
	return LRP_BATCH;
}

static long
lrp_rekey_batch(struct bench *b)
{
	static const uint8_t key[16];

	for (int i = 0; i < LRP_BATCH; i++)
		if (ntag424_sun_ctx_set_file_key(b->ctx, key) != NTAG424_OK ||
		    verify_lrp(b) != 0)
			return -1;
	return LRP_BATCH;
}

/* Operations per second over at least secs; -1 if a batch failed. */
static double
rate(struct bench *b, batch_fn *fn, double secs)
{
	unsigned long	n = 0;
	double		t0 = now(), el;
	long		done;

	do {
		if ((done = fn(b)) < 0)
			return -1;
		n += (unsigned long)done;
	} while ((el = now() - t0) < secs);
	return (double)n / el;
}

static int
setup(struct bench *b)
{
	static const uint8_t key[16];

	ntag424_template_opts_t o;

	memset(b, 0, sizeof(*b));
	b->url_len = strlen(url);
	b->lrp_url_len = strlen(lrp_url);
	ntag424_template_opts_init(&o);
	o.mode = NTAG424_SDM_ANY;
	if ((b->aes = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(b->aes, EVP_aes_128_ecb(), NULL, key,
	    NULL) != 1 || EVP_CIPHER_CTX_set_padding(b->aes, 0) != 1 ||
	    (b->tpl = ntag424_template_new()) == NULL ||
	    ntag424_template_compile(b->tpl, tpl_text, NULL) != NTAG424_OK ||
	    (b->lrp_tpl = ntag424_template_new()) == NULL ||
	    ntag424_template_compile(b->lrp_tpl, lrp_tpl_text, &o) !=
	    NTAG424_OK ||
	    (b->ctx = ntag424_sun_ctx_new()) == NULL ||
	    ntag424_sun_ctx_set_meta_key(b->ctx, key) != NTAG424_OK ||
	    ntag424_sun_ctx_set_file_key(b->ctx, key) != NTAG424_OK)
		return -1;
	return 0;
}

static void
teardown(struct bench *b)
{
	EVP_CIPHER_CTX_free(b->aes);
	ntag424_sun_ctx_free(&b->ctx);
	ntag424_sun_clear(&b->sun);
	ntag424_template_free(&b->tpl);
	ntag424_template_free(&b->lrp_tpl);
}

int
main(int argc, char **argv)
{
	static batch_fn *const fn[] = { aes_batch, sun_batch, sun_rekey_batch,
	    lrp_batch, lrp_rekey_batch };
	double		 secs = argc > 1 ? atof(argv[1]) : 1.0;
	double		 best[5] = { 0 }, r, load[1] = { -1 };
	struct bench	 b;
	int		 rc = 1;

	if (secs <= 0)
		secs = 1.0;
	if (setup(&b) != 0)
		goto out;
	for (int round = 0; round < ROUNDS; round++)
		for (size_t i = 0; i < 5; i++) {
			if ((r = rate(&b, fn[i], secs)) < 0)
				goto out;
			if (r > best[i])
				best[i] = r;
		}
	(void)getloadavg(load, 1);
	printf("aes128_ecb_blocks_per_s %.0f\n", best[0]);
	printf("sun_verify_per_s %.0f (SUN-2: parse, PICC, SV2 CMAC, "
	    "session key, MAC; keys set once)\n", best[1]);
	printf("sun_verify_rekey_per_s %.0f (same, file-read key set per "
	    "URL, as with per-UID keys)\n", best[2]);
	printf("sun_verify_cost_in_aes_blocks %.1f (keys set once), %.1f "
	    "(file-read key per URL)\n", best[0] / best[1], best[0] / best[2]);
	printf("sun_verify_lrp_per_s %.0f (LRP tag: PICCRand + PICCData, "
	    "SV CMAC_LRP, session key, MAC; keys set once)\n", best[3]);
	printf("sun_verify_lrp_rekey_per_s %.0f (same, file-read key set per "
	    "URL)\n", best[4]);
	printf("lrp_vs_aes %.1fx slower (keys set once), %.1fx (per URL)\n",
	    best[1] / best[3], best[2] / best[4]);
	printf("best of %d runs of >= %.1f s each; load average %.2f\n",
	    ROUNDS, secs, load[0]);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "sun_bench: setup or verification failed\n");
	teardown(&b);
	return rc;
}
