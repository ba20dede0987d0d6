/*
 * SUN verifications per second, in process, one thread: the AN12196 SUN-2
 * URL (vector SUN-2) parsed and verified, next to the raw AES-128-ECB block
 * rate of the same machine in the same run.
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

static const char *tpl_text = "https://ntag.nxp.com/424?e={picc}&c={mac}";
static const char *url = "https://ntag.nxp.com/424?"
    "e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086";

struct bench {
	EVP_CIPHER_CTX		*aes;
	ntag424_template_t	*tpl;
	ntag424_sun_ctx_t	*ctx;
	ntag424_sun_t		 sun;
	size_t			 url_len;
};

/* One batch of each workload; 0 on success. */
typedef int batch_fn(struct bench *);

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Raw AES-128-ECB, one block per EVP_EncryptUpdate, a reused context. */
static int
aes_batch(struct bench *b)
{
	unsigned char	blk[16] = { 0 };
	int		outl;

	for (int i = 0; i < BATCH; i++)
		if (EVP_EncryptUpdate(b->aes, blk, &outl, blk, 16) != 1 ||
		    outl != 16)
			return -1;
	return 0;
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
static int
sun_batch(struct bench *b)
{
	for (int i = 0; i < BATCH; i++)
		if (verify_one(b) != 0)
			return -1;
	return 0;
}

/* The same, the file-read key set before every URL (per-UID keys). */
static int
sun_rekey_batch(struct bench *b)
{
	static const uint8_t key[16];

	for (int i = 0; i < BATCH; i++)
		if (ntag424_sun_ctx_set_file_key(b->ctx, key) != NTAG424_OK ||
		    verify_one(b) != 0)
			return -1;
	return 0;
}

/* Operations per second over at least secs; -1 if a batch failed. */
static double
rate(struct bench *b, batch_fn *fn, double secs)
{
	unsigned long	n = 0;
	double		t0 = now(), el;

	do {
		if (fn(b) != 0)
			return -1;
		n += BATCH;
	} while ((el = now() - t0) < secs);
	return (double)n / el;
}

static int
setup(struct bench *b)
{
	static const uint8_t key[16];

	memset(b, 0, sizeof(*b));
	b->url_len = strlen(url);
	if ((b->aes = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_EncryptInit_ex(b->aes, EVP_aes_128_ecb(), NULL, key,
	    NULL) != 1 || EVP_CIPHER_CTX_set_padding(b->aes, 0) != 1 ||
	    (b->tpl = ntag424_template_new()) == NULL ||
	    ntag424_template_compile(b->tpl, tpl_text, NULL) != NTAG424_OK ||
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
}

int
main(int argc, char **argv)
{
	static batch_fn *const fn[] = { aes_batch, sun_batch, sun_rekey_batch };
	double		 secs = argc > 1 ? atof(argv[1]) : 1.0;
	double		 best[3] = { 0 }, r, load[1] = { -1 };
	struct bench	 b;
	int		 rc = 1;

	if (secs <= 0)
		secs = 1.0;
	if (setup(&b) != 0)
		goto out;
	for (int round = 0; round < ROUNDS; round++)
		for (size_t i = 0; i < 3; i++) {
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
	printf("best of %d runs of >= %.1f s each; load average %.2f\n",
	    ROUNDS, secs, load[0]);
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "sun_bench: setup or verification failed\n");
	teardown(&b);
	return rc;
}
