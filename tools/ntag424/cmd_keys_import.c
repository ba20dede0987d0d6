/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ntag424 keys import and keys forget: take over the keys of tags that
 * other tools provisioned (their key files, see import_text.h), or our
 * own encrypted backups; drop the keys of a tag wiped or lost elsewhere.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd.h"
#include "common/hex.h"
#include "common/prim.h"
#include "keystore/import_text.h"
#include "ntag424/err.h"
#include "ntag424/select.h"
#include "ntag424/version.h"

struct import_opts {
	const char	*db;
	const char	*kek_file;
	const char	*pass_file;
	const char	*reader;
	int		 format;
	int		 has_uid;
	int		 from_reader;
	uint8_t		 uid[NTAG424_KS_UID_LEN];
	int		 yes;
	int		 force;
};

static const char import_usage[] =
    "usage: ntag424 keys import FILE|- [--format F] [--uid UID | --reader R]\n"
    "           [--passphrase-file P] [--db DB] [--kek-file F]\n"
    "       ntag424 keys forget UID --yes [--force] [--db DB] "
    "[--kek-file F]\n"
    "\n"
    "FILE is a provisio backup, or the keys of tags another tool\n"
    "provisioned, told apart by content (--format forces one):\n"
    "  csv        header uid,k0,k1,k2,k3,k4 (any subset of the keys),\n"
    "             optional version, template, label columns\n"
    "  tag-keys   the Python provisioner's tag_keys.csv (uid,\n"
    "             picc_master_key, app_read_key, sdm_mac_key, ...)\n"
    "  wipe-json  the Boltcard app's {\"version\":1,\"action\":\"wipe\",\n"
    "             \"k0\":...}; the tag from --uid, or read from the tag on\n"
    "             --reader\n"
    "  jsonl      one {\"uid\":...,\"keys\":{\"0\":...}} per line\n"
    "Keys are sealed under the KEK at once, the tags get status imported;\n"
    "a bad line stores nothing of the file. Delete the plaintext file\n"
    "securely afterwards (shred -u FILE).\n"
    "forget drops a tag's keys (it becomes factory; the journal keeps the\n"
    "history), refused while a run on it is pending unless --force.\n";

static int
ks_fail(ntag424_ks_t *ks, const char *verb, int r)
{
	fprintf(stderr, "ntag424 keys %s: %s\n", verb, ks != NULL &&
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

/* Open; a new KEK is only announced once the command succeeded. */
static int
open_ks(ntag424_ks_t **ksp, const struct import_opts *o, const char *verb,
    unsigned flags)
{
	struct ntag424_ks_opts	 ko = { o->db, o->kek_file, flags, 0 };
	int			 r;

	if ((*ksp = ntag424_ks_new()) == NULL) {
		fprintf(stderr, "ntag424 keys %s: out of memory\n", verb);
		return 1;
	}
	if ((r = ntag424_ks_open(*ksp, &ko)) != NTAG424_OK)
		return ks_fail(*ksp, verb, r);
	return 0;
}

/* The whole file (or stdin), at most NTAG424_KS_TEXT_MAX bytes. */
static int
slurp(const char *path, char **buf, size_t *len)
{
	FILE	*f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t	 cap = 1 << 16, n = 0, got;
	char	*b = NULL, *nb;
	int	 rc = 1;

	if (f == NULL) {
		fprintf(stderr, "ntag424 keys import: cannot open %s\n", path);
		return 1;
	}
	for (;;) {
		if ((nb = malloc(cap)) == NULL)
			goto done;
		if (n > 0)
			memcpy(nb, b, n);
		if (b != NULL)
			wipe(b, n);
		free(b);
		b = nb;
		got = fread(b + n, 1, cap - n, f);
		n += got;
		if (n < cap || cap > NTAG424_KS_TEXT_MAX)
			break;
		cap *= 2;
	}
	if (ferror(f))
		fprintf(stderr, "ntag424 keys import: cannot read %s\n", path);
	else
		rc = 0;
done:
	if (f != stdin)
		fclose(f);
	if (rc != 0 && b != NULL) {
		wipe(b, n);
		free(b);
		b = NULL;
	}
	*buf = b;
	*len = n;
	return rc;
}

/* The UID of the tag on the reader (GetVersion, no authentication). */
static int
reader_uid(const struct import_opts *o, uint8_t uid[NTAG424_KS_UID_LEN])
{
	ntag424_dev_t		*dev = NULL;
	ntag424_version_t	 v;
	int			 r;

	if (cli_open(o->reader, &dev) != NTAG424_OK)
		return 1;
	if ((r = ntag424_select_application(dev)) == NTAG424_OK)
		r = ntag424_version_get(dev, &v);
	ntag424_dev_free(&dev);
	if (r != NTAG424_OK) {
		cli_error("reading the tag's UID", r);
		return 1;
	}
	memcpy(uid, v.uid, NTAG424_KS_UID_LEN);
	return 0;
}

static void
report_text(const char *path, const struct ntag424_ks_text *t,
    const struct ntag424_ks_import_stats *st)
{
	char uid[2 * NTAG424_KS_UID_LEN + 1];

	printf("imported %s (%s): %zu tags, %zu keys added (%zu already "
	    "here)", path, ntag424_ks_text_format_name(t->format),
	    st->tags_added, st->keys_added, st->keys_same);
	if (t->skipped)
		printf(", %zu rows with status factory skipped", t->skipped);
	printf("; status imported until reset, provision or adopt sees the "
	    "tag\n");
	for (size_t i = 0; i < t->n; i++) {
		if (t->v[i].file_status[0] == '\0' ||
		    strcmp(t->v[i].file_status, "provisioned") == 0)
			continue;
		hex_encode(t->v[i].uid, sizeof(t->v[i].uid), uid);
		printf("warning: line %zu: the file says tag %s is '%s': its "
		    "keys may not all be on the tag\n", t->v[i].line, uid,
		    t->v[i].file_status);
	}
	if (t->has_label)
		printf("note: the label column was not imported (the keystore "
		    "has no place for labels)\n");
	if (strcmp(path, "-") != 0)
		printf("the keys are still in plaintext in %s: delete it "
		    "securely (shred -u %s)\n", path, path);
}

static int
import_backup(ntag424_ks_t *ks, const struct import_opts *o, const char *path)
{
	struct ntag424_ks_import_stats	st;
	int				r;

	if (strcmp(path, "-") == 0) {
		fprintf(stderr, "ntag424 keys import: give a provisio backup as "
		    "a file, not on standard input\n");
		return EXIT_USAGE;
	}
	if ((r = ntag424_ks_import(ks, path, o->pass_file, &st)) != NTAG424_OK)
		return ks_fail(ks, "import", r);
	printf("imported %s: %zu tags, %zu keys added (%zu already here), "
	    "%zu master and %zu cohort keys added, %zu read counters raised\n",
	    path, st.tags_added, st.keys_added, st.keys_same, st.masters_added,
	    st.cohorts_added, st.counters_raised);
	return 0;
}

static int
import_text(ntag424_ks_t *ks, const struct import_opts *o, const char *path,
    const char *buf, size_t len)
{
	struct ntag424_ks_import_stats	st;
	struct ntag424_ks_text		t;
	int				r, rc = 1;

	r = ntag424_ks_text_parse(buf, len, o->format, o->has_uid ? o->uid :
	    NULL, &t);
	if (r != NTAG424_OK)
		fprintf(stderr, "ntag424 keys import: %s: %s; nothing was "
		    "imported\n", path, t.msg);
	else if ((r = ntag424_ks_import_keys(ks, &t, &st)) != NTAG424_OK)
		fprintf(stderr, "ntag424 keys import: %s: %s; nothing was "
		    "imported\n", path, ntag424_ks_errmsg(ks));
	else {
		report_text(path, &t, &st);
		rc = 0;
	}
	if (rc != 0 && strcmp(path, "-") != 0)
		fprintf(stderr, "the keys are still in plaintext in %s: delete "
		    "it securely once they are imported\n", path);
	ntag424_ks_text_free(&t);
	return rc;
}

static int
keys_import(const struct import_opts *o, const char *path)
{
	ntag424_ks_t	*ks = NULL;
	char		*buf = NULL;
	size_t		 len = 0;
	int		 rc, format = o->format;

	if ((rc = slurp(path, &buf, &len)) != 0)
		return rc;
	if (format == NTAG424_KS_FMT_AUTO)
		format = ntag424_ks_text_detect(buf, len);
	if ((rc = open_ks(&ks, o, "import", 0)) != 0)
		goto done;
	rc = format == NTAG424_KS_FMT_BACKUP ? import_backup(ks, o, path) :
	    import_text(ks, o, path, buf, len);
	if (rc == 0)
		say_created(ks);
	else	/* A keystore or KEK made for this import only goes with it. */
		ntag424_ks_abandon(&ks);
done:
	ntag424_ks_free(&ks);
	wipe(buf, len);
	free(buf);
	return rc;
}

static int
keys_forget(const struct import_opts *o, const char *uidarg)
{
	ntag424_ks_t	*ks = NULL;
	uint8_t		 uid[NTAG424_KS_UID_LEN];
	int		 r, rc;

	if (uidarg == NULL || hex_decode_str(uidarg, uid, sizeof(uid)) != 0) {
		fprintf(stderr, "ntag424 keys forget: give the tag's UID as 14 "
		    "hex characters\n");
		return EXIT_USAGE;
	}
	if (!o->yes) {
		fprintf(stderr, "ntag424 keys forget: this deletes the keys of "
		    "tag %s from the keystore for good: if the tag still has "
		    "them, nothing can change it any more. Give --yes if it was "
		    "wiped or is lost\n", uidarg);
		return EXIT_USAGE;
	}
	if ((rc = open_ks(&ks, o, "forget", NTAG424_KS_NO_CREATE)) != 0)
		goto done;
	say_created(ks);
	if ((r = ntag424_ks_tag_forget(ks, uid, o->force)) != NTAG424_OK) {
		rc = ks_fail(ks, "forget", r);
		goto done;
	}
	printf("tag %s: keys forgotten, the keystore now takes it for a "
	    "factory tag (the journal keeps its history)\n", uidarg);
done:
	ntag424_ks_free(&ks);
	return rc;
}

static int
set_uid(struct import_opts *o, const char *s)
{
	if (hex_decode_str(s, o->uid, sizeof(o->uid)) != 0) {
		fprintf(stderr, "ntag424 keys import: --uid takes 14 hex "
		    "characters\n");
		return EXIT_USAGE;
	}
	o->has_uid = 1;
	return -1;
}

static int
set_format(struct import_opts *o, const char *s)
{
	if ((o->format = ntag424_ks_text_format_parse(s)) < 0) {
		fprintf(stderr, "ntag424 keys import: --format is one of auto, "
		    "backup, csv, tag-keys, wipe-json, jsonl\n");
		return EXIT_USAGE;
	}
	return -1;
}

static int
parse(int argc, char **argv, struct import_opts *o)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "kek-file", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'F' },
		{ "uid", required_argument, NULL, 'u' },
		{ "reader", required_argument, NULL, 'R' },
		{ "yes", no_argument, NULL, 'y' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, r = -1;

	optind = 1;
	while (r < 0 && (c = getopt_long(argc, argv, "h", longopts, NULL)) !=
	    -1) {
		switch (c) {
		case 'd': o->db = optarg; break;
		case 'k': o->kek_file = optarg; break;
		case 'p': o->pass_file = optarg; break;
		case 'F': r = set_format(o, optarg); break;
		case 'u': r = set_uid(o, optarg); break;
		case 'R': o->reader = optarg; o->from_reader = 1; break;
		case 'y': o->yes = 1; break;
		case 'f': o->force = 1; break;
		case 'h':
			fputs(import_usage, stdout);
			return 0;
		default:
			fputs(import_usage, stderr);
			return EXIT_USAGE;
		}
	}
	return r;
}

/* argv[0] is "import" or "forget". */
int
cmd_keys_import(int argc, char **argv)
{
	struct import_opts	 o;
	const char		*arg;
	int			 r;

	memset(&o, 0, sizeof(o));
	if ((r = parse(argc, argv, &o)) >= 0)
		return r;
	arg = optind < argc ? argv[optind] : NULL;
	if (strcmp(argv[0], "forget") == 0)
		return keys_forget(&o, arg);
	if (arg == NULL) {
		fprintf(stderr, "ntag424 keys import: give the FILE to import "
		    "(- for standard input)\n");
		return EXIT_USAGE;
	}
	if (!o.has_uid && o.from_reader) {
		if (reader_uid(&o, o.uid) != 0)
			return 1;
		o.has_uid = 1;
	}
	return keys_import(&o, arg);
}
