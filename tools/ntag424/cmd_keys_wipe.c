/*
 * ntag424 keys export-wipe UID: the tag's five keys as the wipe JSON of the
 * Boltcard NFC Programmer app ({"version":1,"action":"wipe","k0".."k4"}),
 * so that the card can be reset with the app; on a terminal also as a QR
 * code when qrencode(1) is installed, the JSON piped to it (never in its
 * argv, where every user would see it).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "common/hex.h"
#include "common/prim.h"
#include "ntag424/keystore.h"
#include "ntag424/err.h"

#define WIPE_JSON_MAX	256

static const char usage_text[] =
    "usage: ntag424 keys export-wipe UID [--no-qr] [--db DB] "
    "[--kek-file F]\n"
    "\n"
    "Print the wipe JSON of the Boltcard NFC Programmer app with the\n"
    "tag's five keys (and, on a terminal with qrencode installed, as a QR\n"
    "code the app scans). It holds the keys in the clear.\n";

static int
ks_fail(ntag424_ks_t *ks, int r)
{
	fprintf(stderr, "ntag424 keys export-wipe: %s\n", ks != NULL &&
	    ntag424_ks_errmsg(ks)[0] != '\0' ? ntag424_ks_errmsg(ks) :
	    ntag424_strerror(r));
	return 1;
}

/* The keys believed on the tag: refused while a run left them uncertain. */
static int
wipe_json(ntag424_ks_t *ks, const uint8_t *uid, const char *uidarg,
    char *out, size_t cap)
{
	struct ntag424_ks_tag		t;
	struct ntag424_ks_keyinfo	info;
	uint8_t				key[NTAG424_KS_KEY_LEN];
	char				hex[2 * NTAG424_KS_KEY_LEN + 1];
	size_t				n;
	int				r;

	if ((r = ntag424_ks_tag_get(ks, uid, &t)) != NTAG424_OK)
		return ks_fail(ks, r);
	if (t.status != NTAG424_KS_PROVISIONED) {
		fprintf(stderr, "ntag424 keys export-wipe: tag %s is %s, not "
		    "provisioned: its keys on the tag are not certain; finish "
		    "it with 'ntag424 provision' or 'ntag424 reset' first\n",
		    uidarg, ntag424_ks_status_name(t.status));
		return 1;
	}
	n = (size_t)snprintf(out, cap, "{\"version\":1,\"action\":\"wipe\"");
	for (int k = 0; k < NTAG424_KS_NKEYS; k++) {
		r = ntag424_ks_key_get(ks, uid, k, NTAG424_KS_CURRENT, key,
		    &info);
		if (r == NTAG424_ERR_NOT_FOUND)
			memset(key, 0, sizeof(key));	/* the factory key */
		else if (r != NTAG424_OK)
			return ks_fail(ks, r);
		hex_encode(key, sizeof(key), hex);
		for (char *c = hex; *c != '\0'; c++)
			if (*c >= 'A' && *c <= 'F')
				*c = (char)(*c - 'A' + 'a');
		n += (size_t)snprintf(out + n, cap - n, ",\"k%d\":\"%s\"", k,
		    hex);
	}
	snprintf(out + n, cap - n, "}");
	wipe(key, sizeof(key));
	wipe(hex, sizeof(hex));
	return 0;
}

/* The JSON goes to qrencode's stdin; its argv holds only the options. */
static void
print_qr(const char *json)
{
	FILE *f;

	if (!isatty(STDOUT_FILENO) ||
	    system("command -v qrencode >/dev/null 2>&1") != 0)
		return;
	fflush(stdout);
	if ((f = popen("qrencode -t ANSIUTF8", "w")) == NULL)
		return;
	fputs(json, f);
	if (pclose(f) != 0)
		fprintf(stderr, "ntag424 keys export-wipe: qrencode failed; "
		    "the JSON above is the whole export\n");
}

int
cmd_keys_export_wipe(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "kek-file", required_argument, NULL, 'k' },
		{ "no-qr", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ntag424_ks_opts	 ko;
	ntag424_ks_t		*ks = NULL;
	uint8_t			 uid[NTAG424_KS_UID_LEN];
	char			 json[WIPE_JSON_MAX];
	int			 c, r, rc = 1, qr = 1;

	memset(&ko, 0, sizeof(ko));
	ko.flags = NTAG424_KS_NO_CREATE;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': ko.db = optarg; break;
		case 'k': ko.kek_file = optarg; break;
		case 'n': qr = 0; break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1 ||
	    hex_decode_str(argv[optind], uid, sizeof(uid)) != 0) {
		fprintf(stderr, "ntag424 keys export-wipe: give the tag's UID "
		    "as 14 hex characters\n");
		return EXIT_USAGE;
	}
	if ((ks = ntag424_ks_new()) == NULL) {
		fprintf(stderr, "ntag424 keys export-wipe: out of memory\n");
		return 1;
	}
	if ((r = ntag424_ks_open(ks, &ko)) != NTAG424_OK)
		rc = ks_fail(ks, r);
	else if ((rc = wipe_json(ks, uid, argv[optind], json,
	    sizeof(json))) == 0) {
		fprintf(stderr, "warning: this holds the tag's five keys in "
		    "the clear: whoever sees it (or its QR code) can wipe or "
		    "reprogram the card; do not store or send it\n");
		printf("%s\n", json);
		if (qr)
			print_qr(json);
	}
	wipe(json, sizeof(json));
	ntag424_ks_free(&ks);
	return rc;
}
