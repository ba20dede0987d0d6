/*
 * Verify one tapped SUN URL with given keys, using only the installed
 * libntag424:
 *
 *   sun_verify TEMPLATE URL META_KEY FILE_KEY
 *
 * TEMPLATE is the URL template the tag was provisioned with (e.g.
 * "https://ntag.nxp.com/424?e={picc}&c={mac}"), the keys are 32 hex
 * digits each: the SDM meta-read key (decrypts {picc}) and the SDM
 * file-read key (checks {mac}). Prints the tag's UID and read counter and
 * exits 0 when the URL is authentic, 1 otherwise. A real verifier must
 * also check that the counter went up since the last tap it accepted.
 *
 * Build: cc sun_verify.c $(pkg-config --cflags --libs ntag424)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ntag424.h>

static int
parse_key(const char *hex, uint8_t key[16])
{
	size_t i;

	if (strlen(hex) != 32)
		return -1;
	for (i = 0; i < 16; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		key[i] = (uint8_t)b;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	ntag424_template_t *t = NULL;
	ntag424_sun_ctx_t *ctx = NULL;
	ntag424_sun_t sun;
	uint8_t meta[16], file[16];
	size_t i, pos;
	int r, status = 1;

	memset(&sun, 0, sizeof(sun));
	if (argc != 5 || parse_key(argv[3], meta) < 0 ||
	    parse_key(argv[4], file) < 0) {
		fprintf(stderr, "usage: sun_verify TEMPLATE URL META_KEY "
		    "FILE_KEY (keys: 32 hex digits)\n");
		return 2;
	}
	if ((t = ntag424_template_new()) == NULL ||
	    (ctx = ntag424_sun_ctx_new()) == NULL) {
		fprintf(stderr, "sun_verify: out of memory\n");
		goto out;
	}
	if ((r = ntag424_template_compile(t, argv[1], NULL)) != NTAG424_OK) {
		fprintf(stderr, "sun_verify: template: %s at %zu\n",
		    ntag424_template_error(t, &pos), pos);
		goto out;
	}
	if ((r = ntag424_sun_ctx_set_meta_key(ctx, meta)) != NTAG424_OK ||
	    (r = ntag424_sun_ctx_set_file_key(ctx, file)) != NTAG424_OK) {
		fprintf(stderr, "sun_verify: %s\n", ntag424_strerror(r));
		goto out;
	}
	r = ntag424_sun_verify(ctx, t, argv[2], strlen(argv[2]), &sun);
	if (r == NTAG424_ERR_MALFORMED) {
		fprintf(stderr, "sun_verify: %s: %s\n", sun.field, sun.reason);
		goto out;
	}
	if (r != NTAG424_OK) {
		fprintf(stderr, "sun_verify: %s\n", ntag424_strerror(r));
		goto out;
	}
	printf("authentic: uid ");
	for (i = 0; i < sizeof(sun.uid); i++)
		printf("%02X", sun.uid[i]);
	printf(" read counter %lu\n", (unsigned long)sun.read_ctr);
	status = 0;
out:
	ntag424_sun_clear(&sun);
	ntag424_sun_ctx_free(&ctx);
	ntag424_template_free(&t);
	memset(meta, 0, sizeof(meta));
	memset(file, 0, sizeof(file));
	return status;
}
