/*
 * ntag424 sun verify: check one tapped SUN URL offline.
 *
 * Exit status: 0 the URL is valid; 1 it is not (bad MAC, wrong key) or an
 * internal failure; 2 usage error, bad template or key argument, or a
 * malformed URL.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "common/hex.h"
#include "common/prim.h"
#include "common/secret.h"
#include "ntag424/keystore.h"
#include "ntag424.h"
#include "ntag424/provision.h"

struct verify_args {
	const char	*uid;
	const char	*db;
	const char	*kek_file;
	const char	*tpl;
	const char	*meta_key;
	const char	*mac_key;
	const char	*url;
	int		 json;
	uint8_t		 mode;		/* NTAG424_SDM_*, default ANY */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ntag424 sun verify --template T [--meta-key HEX|@FILE]\n"
	    "                          --mac-key HEX|@FILE [--mode aes|lrp|any]\n"
	    "                          [--json] URL\n"
	    "       ntag424 sun verify --uid UID [--db DB] [--kek-file F] "
	    "[--json] URL\n"
	    "\n"
	    "With --uid the template and keys come from the keystore and the\n"
	    "read counter must be above the last one accepted for that tag\n"
	    "(a replayed URL is rejected); a valid URL's counter is then\n"
	    "recorded as used, in the store the verifier checks.\n"
	    "Verify a tapped SUN URL offline against its URL template, e.g.\n"
	    "'https://example.com/tag?picc={picc}&cmac={mac}'.\n"
	    "  --meta-key  SDMMetaReadKey (needed when the template has {picc})\n"
	    "  --mac-key   SDMFileReadKey, the key the SDM session keys come from\n"
	    "  --mode      the tag's cipher suite: aes, lrp, or any (default):\n"
	    "              a tag in LRP mode sends a 48-digit {picc}, 32 in AES\n"
	    "  --json      print one JSON object instead of text\n"
	    "Exit status: 0 valid, 1 invalid (bad MAC or wrong key),\n"
	    "2 usage error or malformed URL.\n");
}

/* JSON string body: printable ASCII only reaches here (URL characters). */
static void
json_str(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f)
			putchar(*s);
	}
	putchar('"');
}

static void
print_valid(const ntag424_sun_t *sun, int json)
{
	char uid[2 * NTAG424_UID_LEN + 1], data[2 * NTAG424_SUN_DATA_MAX + 1];

	hex_encode(sun->uid, sizeof(sun->uid), uid);
	hex_encode(sun->file_data, sun->file_data_len, data);
	if (json) {
		printf("{\"verdict\":\"valid\"");
		if (sun->has_uid)
			printf(",\"uid\":\"%s\"", uid);
		printf(",\"counter\":%lu", (unsigned long)sun->read_ctr);
		if (sun->file_data_len > 0)
			printf(",\"file_data\":\"%s\"", data);
		if (sun->lrp)
			printf(",\"lrp\":true");
		printf("}\n");
	} else {
		printf("verdict: valid\n");
		if (sun->has_uid)
			printf("uid: %s\n", uid);
		printf("counter: %lu\n", (unsigned long)sun->read_ctr);
		if (sun->file_data_len > 0)
			printf("file data: %s\n", data);
		if (sun->lrp)
			printf("cipher: LRP\n");
	}
	wipe(data, sizeof(data));
}

static void
print_failed(const ntag424_sun_t *sun, int r, int json)
{
	if (r == NTAG424_ERR_MALFORMED) {
		if (json) {
			printf("{\"verdict\":\"malformed\",\"field\":");
			json_str(sun->field);
			printf(",\"reason\":");
			json_str(sun->reason);
			printf("}\n");
		} else
			printf("verdict: malformed\nfield: %s\nreason: %s\n",
			    sun->field, sun->reason);
		return;
	}
	if (json) {
		printf("{\"verdict\":\"invalid\",\"error\":");
		json_str(ntag424_errname(r));
		printf(",\"message\":");
		json_str(ntag424_strerror(r));
		printf("}\n");
	} else
		printf("verdict: invalid\nreason: %s\n", ntag424_strerror(r));
}

static int
parse_args(int argc, char **argv, struct verify_args *a)
{
	static const struct option opts[] = {
		{ "template", required_argument, NULL, 't' },
		{ "uid", required_argument, NULL, 'U' },
		{ "db", required_argument, NULL, 'd' },
		{ "kek-file", required_argument, NULL, 'K' },
		{ "meta-key", required_argument, NULL, 'm' },
		{ "mac-key", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "mode", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	a->mode = NTAG424_SDM_ANY;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			a->tpl = optarg;
			break;
		case 'U':
			a->uid = optarg;
			break;
		case 'd':
			a->db = optarg;
			break;
		case 'K':
			a->kek_file = optarg;
			break;
		case 'm':
			a->meta_key = optarg;
			break;
		case 'k':
			a->mac_key = optarg;
			break;
		case 'j':
			a->json = 1;
			break;
		case 'M':
			if (strcmp(optarg, "aes") == 0)
				a->mode = NTAG424_SDM_AES;
			else if (strcmp(optarg, "lrp") == 0)
				a->mode = NTAG424_SDM_LRP;
			else if (strcmp(optarg, "any") == 0)
				a->mode = NTAG424_SDM_ANY;
			else {
				fprintf(stderr, "ntag424 sun: --mode is aes, lrp "
				    "or any\n");
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if ((a->uid == NULL && (a->tpl == NULL || a->mac_key == NULL)) ||
	    (a->uid != NULL && (a->tpl != NULL || a->mac_key != NULL ||
	    a->meta_key != NULL)) || optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
	a->url = argv[optind];
	return -1;
}

/* Compile the template and key a context; 0 or an exit status. */
static int
setup(const struct verify_args *a, ntag424_template_t *t,
    ntag424_sun_ctx_t *ctx)
{
	ntag424_template_opts_t	opts;
	uint8_t			key[16];
	size_t			pos;
	int			r = EXIT_USAGE;

	ntag424_template_opts_init(&opts);
	opts.mode = a->mode;
	if (ntag424_template_compile(t, a->tpl, &opts) != NTAG424_OK) {
		const char *msg = ntag424_template_error(t, &pos);

		fprintf(stderr, "ntag424 sun: template, position %zu: %s\n",
		    pos, msg);
		goto out;
	}
	if (ntag424_template_settings(t)->sdm.meta_read <= 4) {
		if (a->meta_key == NULL) {
			fprintf(stderr, "ntag424 sun: the template has {picc}: "
			    "give --meta-key\n");
			goto out;
		}
		if (secret_from_arg(a->meta_key, key, sizeof(key)) != 0 ||
		    ntag424_sun_ctx_set_meta_key(ctx, key) != NTAG424_OK) {
			fprintf(stderr, "ntag424 sun: --meta-key: not 32 hex "
			    "digits or an unreadable @FILE\n");
			goto out;
		}
	}
	if (secret_from_arg(a->mac_key, key, sizeof(key)) != 0 ||
	    ntag424_sun_ctx_set_file_key(ctx, key) != NTAG424_OK) {
		fprintf(stderr, "ntag424 sun: --mac-key: not 32 hex digits or "
		    "an unreadable @FILE\n");
		goto out;
	}
	r = 0;
out:
	wipe(key, sizeof(key));
	return r;
}

static int
sun_verify(int argc, char **argv)
{
	struct verify_args	 a;
	ntag424_template_t	*t = NULL;
	ntag424_sun_ctx_t	*ctx = NULL;
	ntag424_sun_t		 sun;
	int			 r, status;

	memset(&sun, 0, sizeof(sun));
	if ((status = parse_args(argc, argv, &a)) >= 0)
		return status;
	status = 1;
	if ((t = ntag424_template_new()) == NULL ||
	    (ctx = ntag424_sun_ctx_new()) == NULL) {
		fprintf(stderr, "ntag424 sun: out of memory\n");
		goto out;
	}
	if ((status = setup(&a, t, ctx)) != 0)
		goto out;
	r = ntag424_sun_verify(ctx, t, a.url, strlen(a.url), &sun);
	if (r == NTAG424_OK)
		print_valid(&sun, a.json);
	else
		print_failed(&sun, r, a.json);
	status = r == NTAG424_OK ? 0 : r == NTAG424_ERR_MALFORMED ?
	    EXIT_USAGE : 1;
out:
	ntag424_sun_clear(&sun);
	ntag424_sun_ctx_free(&ctx);
	ntag424_template_free(&t);
	return status;
}

/* Template and SDM keys of a tag from the keystore; 0 or an exit status. */
static int
keystore_setup(ntag424_ks_t *ks, const uint8_t uid[NTAG424_UID_LEN],
    struct ntag424_ks_tag *t, ntag424_template_t *tpl,
    ntag424_sun_ctx_t *ctx)
{
	ntag424_template_opts_t	opts;
	uint8_t			key[16];
	uint8_t			role[2];
	int			r = 1;

	if ((r = ntag424_ks_tag_get(ks, uid, t)) != NTAG424_OK) {
		fprintf(stderr, "ntag424 sun: %s\n", r == NTAG424_ERR_NOT_FOUND ?
		    "this UID is not in the keystore" : ntag424_ks_errmsg(ks));
		return 1;
	}
	(void)ntag424_prov_preset_opts(t->name, &opts);
	opts.mode = NTAG424_SDM_ANY;	/* the tag may have been switched to LRP */
	/* Imported keys with their template verify like ours. */
	if ((t->status != NTAG424_KS_PROVISIONED &&
	    (t->status != NTAG424_KS_IMPORTED || t->tmpl[0] == '\0')) ||
	    ntag424_template_compile(tpl, t->tmpl, &opts) != NTAG424_OK) {
		fprintf(stderr, "ntag424 sun: the keystore says this tag is %s, "
		    "not provisioned\n", ntag424_ks_status_name(t->status));
		return 1;
	}
	role[0] = opts.meta_read <= 4 ? opts.meta_read : 0;
	role[1] = opts.file_read <= 4 ? opts.file_read : 0;
	r = 1;
	for (int i = 0; i < 2; i++) {
		int kr = ntag424_ks_key_get(ks, uid, role[i],
		    NTAG424_KS_CURRENT, key, NULL);

		if (kr == NTAG424_ERR_NOT_FOUND)
			memset(key, 0, sizeof(key));
		else if (kr != NTAG424_OK) {
			fprintf(stderr, "ntag424 sun: %s\n",
			    ntag424_ks_errmsg(ks));
			goto out;
		}
		if ((i == 0 ? ntag424_sun_ctx_set_meta_key(ctx, key) :
		    ntag424_sun_ctx_set_file_key(ctx, key)) != NTAG424_OK)
			goto out;
	}
	r = 0;
out:
	wipe(key, sizeof(key));
	return r;
}

/* Verify, then advance the stored read counter (replays are rejected). */
static int
sun_verify_uid(const struct verify_args *a)
{
	struct ntag424_ks_opts	 ko = { a->db, a->kek_file, 0, 0 };
	struct ntag424_ks_tag	 t;
	ntag424_ks_t		*ks = NULL;
	ntag424_template_t	*tpl = NULL;
	ntag424_sun_ctx_t	*ctx = NULL;
	ntag424_sun_t		 sun;
	uint8_t			 uid[NTAG424_UID_LEN];
	int			 r, outcome = 0, status = 1;

	memset(&sun, 0, sizeof(sun));
	if (hex_decode_str(a->uid, uid, sizeof(uid)) != 0) {
		fprintf(stderr, "ntag424 sun: --uid wants 14 hex digits\n");
		return EXIT_USAGE;
	}
	if ((ks = ntag424_ks_new()) == NULL ||
	    (tpl = ntag424_template_new()) == NULL ||
	    (ctx = ntag424_sun_ctx_new()) == NULL)
		goto out;
	if ((r = ntag424_ks_open(ks, &ko)) != NTAG424_OK) {
		fprintf(stderr, "ntag424 sun: %s\n", ntag424_ks_errmsg(ks));
		goto out;
	}
	if (keystore_setup(ks, uid, &t, tpl, ctx) != 0)
		goto out;
	r = ntag424_sun_verify(ctx, tpl, a->url, strlen(a->url), &sun);
	if (r == NTAG424_OK && sun.has_uid && memcmp(sun.uid, uid, 7) != 0)
		r = NTAG424_ERR_BAD_MAC;	/* another tag's URL */
	if (r != NTAG424_OK) {
		print_failed(&sun, r, a->json);
		status = r == NTAG424_ERR_MALFORMED ? EXIT_USAGE : 1;
		goto out;
	}
	if ((r = ntag424_ks_counter_advance(ks, uid, t.generation,
	    sun.read_ctr, &outcome)) != NTAG424_OK) {
		fprintf(stderr, "ntag424 sun: %s\n", ntag424_ks_errmsg(ks));
		goto out;
	}
	if (outcome == NTAG424_KS_REPLAY) {
		if (a->json)
			printf("{\"verdict\":\"replayed\",\"counter\":%lu}\n",
			    (unsigned long)sun.read_ctr);
		else
			printf("verdict: replayed\ncounter: %lu (not above the "
			    "last one accepted)\n", (unsigned long)sun.read_ctr);
		goto out;
	}
	print_valid(&sun, a->json);
	status = 0;
out:
	ntag424_sun_clear(&sun);
	ntag424_sun_ctx_free(&ctx);
	ntag424_template_free(&tpl);
	ntag424_ks_free(&ks);
	return status;
}

int
cmd_sun(int argc, char **argv)
{
	struct verify_args a;
	int st;

	if (argc >= 2 && strcmp(argv[1], "verify") == 0) {
		if ((st = parse_args(argc - 1, argv + 1, &a)) >= 0)
			return st;
		return a.uid != NULL ? sun_verify_uid(&a) :
		    sun_verify(argc - 1, argv + 1);
	}
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return EXIT_USAGE;
}
