/*
 * SUN verifications per second, in process, one thread: the AN12196 SUN-2
 * URL (vector SUN-2) parsed and verified, next to the raw AES-128-ECB block
 * rate of the same machine in the same run.
 *
 * usage: sun_bench [seconds per figure, default 1]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "ntag424.h"

static const char *tpl_text = "https://ntag.nxp.com/424?e={picc}&c={mac}";
static const char *url = "https://ntag.nxp.com/424?"
    "e=EF963FF7828658A599F3041510671E88&c=94EED9EE65337086";

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Raw AES-128-ECB, one block per EVP_EncryptUpdate, a reused context. */
static double
aes_rate(double secs)
{
	EVP_CIPHER_CTX	*c = EVP_CIPHER_CTX_new();
	unsigned char	 key[16] = { 0 }, blk[16] = { 0 };
	unsigned long	 n = 0;
	double		 t0, t;
	int		 outl;

	if (c == NULL || EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), NULL, key,
	    NULL) != 1 || EVP_CIPHER_CTX_set_padding(c, 0) != 1)
		return -1;
	t0 = now();
	do {
		for (int i = 0; i < 100000; i++)
			if (EVP_EncryptUpdate(c, blk, &outl, blk, 16) != 1)
				return -1;
		n += 100000;
	} while ((t = now() - t0) < secs);
	EVP_CIPHER_CTX_free(c);
	return (double)n / t;
}

/* Whole verifications; rekey_file: set the file-read key every time. */
static double
sun_rate(double secs, int rekey_file)
{
	static const uint8_t	 key[16];
	ntag424_template_t	*t = ntag424_template_new();
	ntag424_sun_ctx_t	*ctx = ntag424_sun_ctx_new();
	ntag424_sun_t		 sun;
	size_t			 len = strlen(url);
	unsigned long		 n = 0;
	double			 t0, el, rate = -1;

	if (t == NULL || ctx == NULL ||
	    ntag424_template_compile(t, tpl_text, NULL) != NTAG424_OK ||
	    ntag424_sun_ctx_set_meta_key(ctx, key) != NTAG424_OK ||
	    ntag424_sun_ctx_set_file_key(ctx, key) != NTAG424_OK)
		goto out;
	t0 = now();
	do {
		for (int i = 0; i < 10000; i++) {
			if (rekey_file &&
			    ntag424_sun_ctx_set_file_key(ctx, key) != NTAG424_OK)
				goto out;
			if (ntag424_sun_verify(ctx, t, url, len, &sun) !=
			    NTAG424_OK || sun.read_ctr != 61)
				goto out;
		}
		n += 10000;
	} while ((el = now() - t0) < secs);
	rate = (double)n / el;
out:
	ntag424_sun_ctx_free(&ctx);
	ntag424_template_free(&t);
	return rate;
}

int
main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	double aes, sun, sun_rekey;

	if (secs <= 0)
		secs = 1.0;
	aes = aes_rate(secs);
	sun = sun_rate(secs, 0);
	sun_rekey = sun_rate(secs, 1);
	if (aes < 0 || sun < 0 || sun_rekey < 0) {
		fprintf(stderr, "sun_bench: setup or verification failed\n");
		return 1;
	}
	printf("aes128_ecb_blocks_per_s %.0f\n", aes);
	printf("sun_verify_per_s %.0f (SUN-2: parse, PICC, SV2 CMAC, "
	    "session key, MAC; keys set once)\n", sun);
	printf("sun_verify_rekey_per_s %.0f (same, file-read key set per "
	    "URL, as with per-UID keys)\n", sun_rekey);
	printf("sun_verify_cost_in_aes_blocks %.1f\n", aes / sun);
	return 0;
}
