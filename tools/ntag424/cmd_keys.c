/*
 * ntag424 keys: list, show, revoke, export, import and re-seal the
 * keystore.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "common/hex.h"
#include "common/prim.h"
#include "ntag424/keystore.h"
#include "ntag424/err.h"

struct keys_opts {
	const char	*db;
	const char	*kek_file;
	const char	*pass_file;
	const char	*new_kek_file;
	const char	*reason;
	int		 json;
	int		 reveal;
};

static const char usage_text[] =
    "usage: ntag424 keys list [--json] [--db DB]\n"
    "       ntag424 keys show UID [--reveal] [--json] [--db DB] "
    "[--kek-file F]\n"
    "       ntag424 keys revoke UID [--reason TEXT] [--db DB] "
    "[--kek-file F]\n"
    "       ntag424 keys unrevoke UID [--db DB] [--kek-file F]\n"
    "       ntag424 keys export FILE [--passphrase-file P] [--db DB] "
    "[--kek-file F]\n"
    "       ntag424 keys import FILE|- [--format F] [--uid UID] "
    "[--passphrase-file P] ...\n"
    "       ntag424 keys forget UID --yes [--force] [--db DB] "
    "[--kek-file F]\n"
    "       ntag424 keys rotate-kek [--new-kek-file N] [--db DB] "
    "[--kek-file F]\n"
    "       ntag424 keys export-wipe UID [--no-qr] [--db DB] "
    "[--kek-file F]\n"
    "\n"
    "DB is a file (default $XDG_DATA_HOME/provisio/keystore.db) or a\n"
    "postgresql:// URI. The key-encryption key comes from --kek-file, else\n"
    "PROVISIO_KEK (64 hex), else $XDG_CONFIG_HOME/provisio/kek. Keys are\n"
    "only printed with --reveal. A backup is encrypted under the\n"
    "passphrase file, or under the KEK when no passphrase file is given.\n"
    "rotate-kek re-seals every key under a new KEK (random, or from N)\n"
    "and replaces the KEK file in use, keeping the old one beside it as\n"
    "FILE.old-STAMP; with PROVISIO_KEK, N is required and receives it.\n"
    "A revoked tag's genuine taps are answered \"revoked\" by ntag424-verifyd\n"
    "and accepted no more; the reason stays in the keystore.\n"
    "import also takes other tools' key files ('keys import --help').\n"

    "export-wipe prints the Boltcard app's wipe JSON (the keys in clear).\n";

static void
json_str(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
fmt_time(int64_t t, char *out, size_t cap)
{
	time_t		tt = (time_t)t;
	struct tm	tm;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(out, cap, "-");
	else
		strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
fail(ntag424_ks_t *ks, int r)
{
	fprintf(stderr, "ntag424 keys: %s\n", ks != NULL &&
	    ntag424_ks_errmsg(ks)[0] != '\0' ? ntag424_ks_errmsg(ks) :
	    ntag424_strerror(r));
	return 1;
}

static void
say_created(const ntag424_ks_t *ks)
{
	if (ntag424_ks_kek_created(ks) != NULL)
		fprintf(stderr, "created a new key-encryption key in %s: back "
		    "it up\n", ntag424_ks_kek_created(ks));
}

static int
open_ks_quiet(ntag424_ks_t **ksp, const struct keys_opts *o, unsigned flags)
{
	struct ntag424_ks_opts	 ko = { o->db, o->kek_file, flags, 0 };
	ntag424_ks_t		*ks;
	int			 r;

	if ((*ksp = ks = ntag424_ks_new()) == NULL) {
		fprintf(stderr, "ntag424 keys: out of memory\n");
		return 1;
	}
	if ((r = ntag424_ks_open(ks, &ko)) != NTAG424_OK)
		return fail(ks, r);
	return 0;
}

static int
open_ks(ntag424_ks_t **ksp, const struct keys_opts *o, unsigned flags)
{
	int rc;

	if ((rc = open_ks_quiet(ksp, o, flags)) == 0)
		say_created(*ksp);
	return rc;
}

static void
versions(const struct ntag424_ks_tag *t, char *out, size_t cap)
{
	size_t n = 0;

	for (int k = 0; k < NTAG424_KS_NKEYS && n + 5 < cap; k++) {
		if (t->current_mask & (1u << k))
			n += (size_t)snprintf(out + n, cap - n, "%s%d:%u",
			    n ? "," : "", k, t->key_version[k]);
		if (t->pending_mask & (1u << k))
			n += (size_t)snprintf(out + n, cap - n, "%s%d:pending",
			    n ? "," : "", k);
	}
	if (n == 0)
		snprintf(out, cap, "-");
}

/* JSON: , "revoked": false, or true with "revoked_at" and "revoke_reason". */
static void
print_revoked(const struct ntag424_ks_tag *t)
{
	char when[32];

	if (t->revoked == 0) {
		printf(", \"revoked\": false");
		return;
	}
	fmt_time(t->revoked, when, sizeof(when));
	printf(", \"revoked\": true, \"revoked_at\": \"%s\", "
	    "\"revoke_reason\": ", when);
	json_str(t->revoke_reason);
}

struct list_ctx {
	int	json;
	int	n;
};

static int
list_one(const struct ntag424_ks_tag *t, void *arg)
{
	struct list_ctx	*c = arg;
	char		 uid[15], v[96], when[32];

	hex_encode(t->uid, sizeof(t->uid), uid);
	versions(t, v, sizeof(v));
	fmt_time(t->provisioned, when, sizeof(when));
	if (!c->json) {
		printf("%-14s  %-11s  %-7s  %3u  %-11s  %-24s  %s\n", uid,
		    ntag424_ks_status_name(t->status),
		    t->revoked ? "revoked" : "-", (unsigned)t->generation,
		    ntag424_ks_source_name(t->source), v,
		    t->name[0] ? t->name : "-");
		c->n++;
		return 0;
	}
	printf("%s\n  {\"uid\": \"%s\", \"status\": \"%s\", \"generation\": %u, "
	    "\"key_source\": \"%s\", \"master_version\": %u, \"keys\": \"%s\", "
	    "\"provisioned\": \"%s\", \"name\": ", c->n ? "," : "", uid,
	    ntag424_ks_status_name(t->status), (unsigned)t->generation,
	    ntag424_ks_source_name(t->source), (unsigned)t->master_version, v,
	    when);
	json_str(t->name);
	print_revoked(t);
	printf("}");
	c->n++;
	return 0;
}

static int
keys_list(const struct keys_opts *o)
{
	struct list_ctx	 c = { o->json, 0 };
	ntag424_ks_t	*ks = NULL;
	int		 r, rc;

	if ((rc = open_ks(&ks, o, NTAG424_KS_NO_KEK | NTAG424_KS_NO_CREATE)))
		goto done;
	if (!o->json)
		printf("%-14s  %-11s  %-7s  %3s  %-11s  %-24s  %s\n", "UID",
		    "STATUS", "REVOKED", "GEN", "SOURCE", "KEYS (no:version)",
		    "TEMPLATE");
	else
		printf("[");
	if ((r = ntag424_ks_tag_foreach(ks, list_one, &c)) != NTAG424_OK) {
		rc = fail(ks, r);
		goto done;
	}
	if (o->json)
		printf("%s]\n", c.n ? "\n" : "");
	else if (c.n == 0)
		printf("(no tags in %s)\n", ntag424_ks_where(ks));
done:
	ntag424_ks_free(&ks);
	return rc;
}

static int
show_key(ntag424_ks_t *ks, const struct keys_opts *o, const uint8_t *uid,
    int k, int slot, int *first)
{
	static const char *const states[] = { "applied", "intent", "maybe" };
	struct ntag424_ks_keyinfo	info;
	uint8_t				key[NTAG424_KS_KEY_LEN];
	char				hex[2 * NTAG424_KS_KEY_LEN + 1] = "hidden";
	int				r;

	r = o->reveal ? ntag424_ks_key_get(ks, uid, k, slot, key, &info) :
	    ntag424_ks_key_info(ks, uid, k, slot, &info);
	if (r == NTAG424_ERR_NOT_FOUND)
		return 0;
	if (r != NTAG424_OK)
		return fail(ks, r);
	if (o->reveal)
		hex_encode(key, sizeof(key), hex);
	wipe(key, sizeof(key));
	if (o->json)
		printf("%s\n    {\"keyno\": %d, \"slot\": \"%s\", \"version\": %u, "
		    "\"state\": \"%s\", \"key\": \"%s\"}", *first ? "" : ",", k,
		    slot ? "pending" : "current", info.version,
		    states[info.state], hex);
	else
		printf("  key %d %-7s  version %3u  %-7s  %s\n", k,
		    slot ? "pending" : "current", info.version,
		    states[info.state], hex);
	wipe(hex, sizeof(hex));
	*first = 0;
	return 0;
}

static int
print_entry(const struct ntag424_ks_journal_entry *e, void *arg)
{
	char when[32];

	(void)arg;
	fmt_time(e->ts, when, sizeof(when));
	printf("  %3llu  %s  run %.8s  %-18s", (unsigned long long)e->seq, when,
	    e->run_id, e->step);
	if (e->keyno >= 0)
		printf(" key %d", e->keyno);
	printf("  %s", e->outcome);
	if (e->sw > 0)
		printf(" (%04X)", (unsigned)e->sw);
	else if (e->sw < 0)
		printf(" (%s)", ntag424_errname(e->sw));
	putchar('\n');
	return 0;
}

static void
show_tag(const struct ntag424_ks_tag *t, int json)
{
	char uid[15], c[32], u[32], p[32];

	hex_encode(t->uid, sizeof(t->uid), uid);
	fmt_time(t->created, c, sizeof(c));
	fmt_time(t->updated, u, sizeof(u));
	fmt_time(t->provisioned, p, sizeof(p));
	if (json) {
		printf("{\"uid\": \"%s\", \"status\": \"%s\", \"generation\": %u, "
		    "\"key_source\": \"%s\", \"master_version\": %u, "
		    "\"created\": \"%s\", \"updated\": \"%s\", \"provisioned\": "
		    "\"%s\", \"name\": ", uid, ntag424_ks_status_name(t->status),
		    (unsigned)t->generation, ntag424_ks_source_name(t->source),
		    (unsigned)t->master_version, c, u, p);
		json_str(t->name);
		printf(", \"template\": ");
		json_str(t->tmpl);
		print_revoked(t);
		printf(", \"keys\": [");
		return;
	}
	printf("tag %s: %s, generation %u\n", uid,
	    ntag424_ks_status_name(t->status), (unsigned)t->generation);
	if (t->revoked != 0) {
		fmt_time(t->revoked, c, sizeof(c));
		printf("  REVOKED   %s%s%s\n", c, t->revoke_reason[0] ? ": " : "",
		    t->revoke_reason);
	}
	printf("  template  %s %s\n", t->name[0] ? t->name : "-",
	    t->tmpl[0] ? t->tmpl : "");
	printf("  keys from %s", ntag424_ks_source_name(t->source));
	if (t->source == NTAG424_KS_SRC_DIVERSIFIED)
		printf(" (master key version %u)", (unsigned)t->master_version);
	printf("\n  created %s, updated %s, provisioned %s\n", c, u, p);
}

static int
keys_show(const struct keys_opts *o, const char *uidarg)
{
	struct ntag424_ks_tag	 t;
	ntag424_ks_t		*ks = NULL;
	uint8_t			 uid[NTAG424_KS_UID_LEN];
	int			 r, rc, first = 1;

	if (uidarg == NULL || hex_decode_str(uidarg, uid, sizeof(uid)) != 0) {
		fprintf(stderr, "ntag424 keys show: give the tag's UID as 14 "
		    "hex characters\n");
		return EXIT_USAGE;
	}
	if ((rc = open_ks(&ks, o, NTAG424_KS_NO_CREATE |
	    (o->reveal ? 0 : NTAG424_KS_NO_KEK))))
		goto done;
	if ((r = ntag424_ks_tag_get(ks, uid, &t)) != NTAG424_OK) {
		rc = fail(ks, r);
		goto done;
	}
	show_tag(&t, o->json);
	for (int slot = 0; slot < 2 && rc == 0; slot++)
		for (int k = 0; k < NTAG424_KS_NKEYS && rc == 0; k++)
			rc = show_key(ks, o, uid, k, slot, &first);
	if (o->json) {
		printf("%s]}\n", first ? "" : "\n  ");
		goto done;
	}
	if (first)
		printf("  no keys stored: the tag has its factory keys\n");
	printf("journal:\n");
	if ((r = ntag424_ks_journal_read(ks, uid, print_entry, NULL)) !=
	    NTAG424_OK)
		rc = fail(ks, r);
done:
	ntag424_ks_free(&ks);
	return rc;
}

static int
keys_revoke(const struct keys_opts *o, const char *verb, const char *uidarg)
{
	ntag424_ks_t	*ks = NULL;
	uint8_t		 uid[NTAG424_KS_UID_LEN];
	int		 revoke = strcmp(verb, "revoke") == 0, r, rc;

	if (uidarg == NULL || hex_decode_str(uidarg, uid, sizeof(uid)) != 0) {
		fprintf(stderr, "ntag424 keys %s: give the tag's UID as 14 hex "
		    "characters\n", verb);
		return EXIT_USAGE;
	}
	if (!revoke && o->reason != NULL) {
		fprintf(stderr, "ntag424 keys unrevoke: --reason is for revoke\n");
		return EXIT_USAGE;
	}
	/* The tag row carries a MAC under the KEK: changing it needs the KEK. */
	if ((rc = open_ks(&ks, o, NTAG424_KS_NO_CREATE)))
		goto done;
	r = revoke ? ntag424_ks_tag_revoke(ks, uid, o->reason) :
	    ntag424_ks_tag_unrevoke(ks, uid);
	if (r != NTAG424_OK) {
		rc = fail(ks, r);
		goto done;
	}
	if (revoke)
		printf("tag %s revoked: ntag424-verifyd answers its taps "
		    "\"revoked\" from now on\n", uidarg);
	else
		printf("tag %s is no longer revoked: its next genuine tap is "
		    "accepted again\n", uidarg);
done:
	ntag424_ks_free(&ks);
	return rc;
}

static int
keys_export(const struct keys_opts *o, const char *file)
{
	ntag424_ks_t	*ks = NULL;
	size_t		 n = 0;
	int		 r, rc;

	if ((rc = open_ks(&ks, o, NTAG424_KS_NO_CREATE)))
		goto done;
	if ((r = ntag424_ks_export(ks, file, o->pass_file, &n)) != NTAG424_OK) {
		rc = fail(ks, r);
		goto done;
	}
	printf("exported %zu tags with their keys and read counters, and the "
	    "master and cohort keys, to %s (encrypted under %s)\n", n, file, o->pass_file ?
	    "the passphrase file" : "the key-encryption key: keep the KEK to "
	    "restore it");
done:
	ntag424_ks_free(&ks);
	return rc;
}

static void
rotated(ntag424_ks_t *ks, const struct keys_opts *o, const char *env_kek)
{
	if (env_kek == NULL) {
		printf("every key is now sealed under a new KEK, written to %s "
		    "(used by every later command and by ntag424-verifyd, after "
		    "a restart or SIGHUP); the old KEK is kept in %s: keep it "
		    "while backups or other keystores made with it exist\n",
		    ntag424_ks_kek_file(ks), ntag424_ks_kek_kept(ks));
		return;
	}
	printf("every key is now sealed under the KEK in %s. PROVISIO_KEK "
	    "still holds the old KEK and no longer opens this keystore: for "
	    "every later command and for ntag424-verifyd, set PROVISIO_KEK to "
	    "the content of %s, or unset it and give --kek-file %s\n",
	    o->new_kek_file, o->new_kek_file, o->new_kek_file);
}

static int
keys_rotate(const struct keys_opts *o)
{
	ntag424_ks_t	*ks = NULL;
	const char	*env_kek;
	int		 r, rc;

	if ((rc = open_ks(&ks, o, NTAG424_KS_NO_CREATE)))
		goto done;
	env_kek = ntag424_ks_kek_file(ks) == NULL ? "PROVISIO_KEK" : NULL;
	if (env_kek != NULL && o->new_kek_file == NULL) {
		fprintf(stderr, "ntag424 keys rotate-kek: the KEK comes from "
		    "PROVISIO_KEK, which this command cannot change: give "
		    "--new-kek-file FILE to receive the new KEK (then set "
		    "PROVISIO_KEK to its content); nothing was changed\n");
		rc = EXIT_USAGE;
		goto done;
	}
	r = ntag424_ks_rotate_kek(ks, o->new_kek_file);
	say_created(ks);
	if (r != NTAG424_OK) {
		rc = fail(ks, r);
		goto done;
	}
	rotated(ks, o, env_kek);
done:
	ntag424_ks_free(&ks);
	return rc;
}

static int
parse(int argc, char **argv, struct keys_opts *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "kek-file", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "new-kek-file", required_argument, NULL, 'n' },
		{ "reason", required_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'j' },
		{ "reveal", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->db = optarg;
			break;
		case 'k':
			o->kek_file = optarg;
			break;
		case 'p':
			o->pass_file = optarg;
			break;
		case 'n':
			o->new_kek_file = optarg;
			break;
		case 'R':
			o->reason = optarg;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'r':
			o->reveal = 1;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	return -1;
}

int
cmd_keys(int argc, char **argv)
{
	struct keys_opts	 o;
	const char		*verb, *arg;
	int			 r;

	memset(&o, 0, sizeof(o));
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	verb = argv[1];
	if (strcmp(verb, "import") == 0 || strcmp(verb, "forget") == 0)
		return cmd_keys_import(argc - 1, argv + 1);
	if (strcmp(verb, "export-wipe") == 0)
		return cmd_keys_export_wipe(argc - 1, argv + 1);
	if ((r = parse(argc - 1, argv + 1, &o)) >= 0)
		return r;
	arg = optind < argc - 1 ? argv[1 + optind] : NULL;
	if (strcmp(verb, "list") == 0)
		return keys_list(&o);
	if (strcmp(verb, "show") == 0)
		return keys_show(&o, arg);
	if (strcmp(verb, "revoke") == 0 || strcmp(verb, "unrevoke") == 0)
		return keys_revoke(&o, verb, arg);
	if (strcmp(verb, "rotate-kek") == 0)
		return keys_rotate(&o);
	if (strcmp(verb, "export") == 0 && arg == NULL) {
		fprintf(stderr, "ntag424 keys %s: give the backup FILE\n", verb);
		return EXIT_USAGE;
	}
	if (strcmp(verb, "export") == 0)
		return keys_export(&o, arg);
	fprintf(stderr, "ntag424 keys: unknown action '%s'\n", verb);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}
