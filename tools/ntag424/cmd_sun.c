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
#include "ntag424.h"

struct verify_args {
	const char	*tpl;
	const char	*meta_key;
	const char	*mac_key;
	const char	*url;
	int		 json;
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: ntag424 sun verify --template T [--meta-key HEX|@FILE]\n"
	    "                          --mac-key HEX|@FILE [--json] URL\n"
	    "\n"
	    "Verify a tapped SUN URL offline against its URL template, e.g.\n"
	    "'https://example.com/tag?picc={picc}&cmac={mac}'.\n"
	    "  --meta-key  SDMMetaReadKey (needed when the template has {picc})\n"
	    "  --mac-key   SDMFileReadKey, the key the SDM session keys come from\n"
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
		printf("}\n");
	} else {
		printf("verdict: valid\n");
		if (sun->has_uid)
			printf("uid: %s\n", uid);
		printf("counter: %lu\n", (unsigned long)sun->read_ctr);
		if (sun->file_data_len > 0)
			printf("file data: %s\n", data);
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
		{ "meta-key", required_argument, NULL, 'm' },
		{ "mac-key", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			a->tpl = optarg;
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
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (a->tpl == NULL || a->mac_key == NULL || optind != argc - 1) {
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
	uint8_t	key[16];
	size_t	pos;
	int	r = EXIT_USAGE;

	if (ntag424_template_compile(t, a->tpl, NULL) != NTAG424_OK) {
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

int
cmd_sun(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return sun_verify(argc - 1, argv + 1);
	if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		usage(stdout);
		return 0;
	}
	usage(stderr);
	return EXIT_USAGE;
}
