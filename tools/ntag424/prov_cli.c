/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the engine's subcommands: options, keystore, reports. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "cmd.h"
#include "common/hex.h"
#include "common/log.h"
#include "common/prim.h"
#include "common/secret.h"
#include "prov_cli.h"

static int
positive(const char *cmd, const char *opt, const char *arg,
    unsigned long *v)
{
	char *end;

	*v = strtoul(arg, &end, 10);
	if (*v == 0 || *end != '\0' || arg[0] == '-') {
		fprintf(stderr, "ntag424 %s: --%s wants a positive number\n",
		    cmd, opt);
		return -1;
	}
	return 0;
}

int
prov_parse(int argc, char **argv, struct prov_opts *o, const char *usage)
{
	static const struct option opts[] = {
		{ "reader", required_argument, NULL, 'r' },
		{ "db", required_argument, NULL, 'd' },
		{ "kek-file", required_argument, NULL, 'K' },
		{ "preset", required_argument, NULL, 'p' },
		{ "template", required_argument, NULL, 't' },
		{ "url", required_argument, NULL, 'u' },
		{ "keys", required_argument, NULL, 'k' },
		{ "issuer-key", required_argument, NULL, 'I' },
		{ "cohort", required_argument, NULL, 'C' },
		{ "meta-key", required_argument, NULL, 'M' },
		{ "anyone-can-write", no_argument, NULL, 'W' },
		{ "reprovision", no_argument, NULL, 'R' },
		{ "random-uid", no_argument, NULL, 'X' },
		{ "yes", no_argument, NULL, 'y' },
		{ "uid", required_argument, NULL, 'U' },
		{ "lrp", no_argument, NULL, 'L' },
		{ "json", no_argument, NULL, 'j' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "batch", no_argument, NULL, 'b' },
		{ "count", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "trace", no_argument, NULL, 'x' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*cmd = o->cmd;
	int		 ch;

	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'r': o->reader = optarg; break;
		case 'd': o->db = optarg; break;
		case 'K': o->kek_file = optarg; break;
		case 'p': o->preset = optarg; break;
		case 't': o->tmpl = optarg; break;
		case 'u': o->url = optarg; break;
		case 'k': o->keys = optarg; break;
		case 'I': o->issuer_key = optarg; break;
		case 'C': o->cohort = optarg; break;
		case 'M': o->meta_key = optarg; break;
		case 'W': o->anyone_write = 1; break;
		case 'R': o->reprovision = 1; break;
		case 'X': o->random_uid = 1; break;
		case 'y': o->yes = 1; break;
		case 'U': o->uid = optarg; break;
		case 'L': o->lrp = 1; break;
		case 'j': o->json = 1; break;
		case 'n': o->dry_run = 1; break;
		case 'b': o->batch = 1; break;
		case 'x': o->trace = 1; break;
		case 'c':
			if (positive(cmd, "count", optarg, &o->count) != 0)
				return EXIT_USAGE;
			break;
		case 'T':
			if (positive(cmd, "timeout", optarg, &o->timeout) != 0)
				return EXIT_USAGE;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (o->trace)
		log_set_level(log_level_parse("trace"));
	return -1;
}

/* --cohort, --meta-key and --anyone-can-write on top of a plan. */
static int
plan_keys(const struct prov_opts *o, ntag424_prov_plan_t *plan)
{
	int n;

	if (o->meta_key != NULL && strcmp(o->meta_key, "per-tag") == 0) {
		if (o->cohort != NULL) {
			fprintf(stderr, "ntag424 %s: --cohort names the shared "
			    "meta-read key; --meta-key per-tag has none\n",
			    o->cmd);
			return EXIT_USAGE;
		}
		plan->cohort_mask = 0;
	} else if (o->meta_key != NULL && strcmp(o->meta_key, "cohort") != 0) {
		fprintf(stderr, "ntag424 %s: --meta-key is cohort or per-tag\n",
		    o->cmd);
		return EXIT_USAGE;
	}
	if (o->cohort != NULL) {
		n = snprintf(plan->cohort, sizeof(plan->cohort), "%s", o->cohort);
		if (n <= 0 || (size_t)n >= sizeof(plan->cohort)) {
			fprintf(stderr, "ntag424 %s: --cohort wants 1 to %d "
			    "characters\n", o->cmd, NTAG424_PROV_NAME_MAX);
			return EXIT_USAGE;
		}
	}
	plan->lrp = o->lrp != 0;
	if (o->anyone_write) {
		plan->opts.access.read_write = NTAG424_AR_FREE;
		fprintf(stderr, "ntag424 %s: warning: --anyone-can-write: the "
		    "NDEF file's ReadWrite right is free (AccessRights E0 E0): "
		    "anyone with a phone can rewrite the URL, host included, "
		    "while its SUN data stays valid\n", o->cmd);
	}
	return 0;
}

static const char *
plan_url_error(const struct prov_opts *o)
{
	bool bolt = o->preset != NULL && strcmp(o->preset, "boltcard") == 0;

	if (bolt && (o->url == NULL || strncmp(o->url, "lnurlw://", 9) != 0))
		return "the boltcard preset needs --url lnurlw://HOST/PATH";
	if (o->preset != NULL && strcmp(o->preset, "game-coin") == 0 &&
	    o->url == NULL)
		return "the game-coin preset needs --url https://HOST/PATH";
	return "--url must be scheme://host/path without '?', '#', '{}' "
	    "or spaces";
}

static int
plan_from(const struct prov_opts *o, ntag424_prov_plan_t *plan)
{
	int r;

	if ((o->preset == NULL) == (o->tmpl == NULL)) {
		fprintf(stderr, "ntag424 %s: give either --preset NAME or "
		    "--template T\n", o->cmd);
		return EXIT_USAGE;
	}
	if (o->tmpl != NULL)
		r = ntag424_prov_custom(o->tmpl, NULL, plan);
	else
		r = ntag424_prov_preset(o->preset, o->url, plan);
	if (r == NTAG424_ERR_NOT_FOUND) {
		fprintf(stderr, "ntag424 %s: no preset '%s' (game-coin, "
		    "self-checkout, boltcard)\n", o->cmd, o->preset);
		return EXIT_USAGE;
	}
	if (r != NTAG424_OK) {
		fprintf(stderr, "ntag424 %s: %s\n", o->cmd, plan_url_error(o));
		return EXIT_USAGE;
	}
	return plan_keys(o, plan);
}

static int
source_from(const struct prov_opts *o, int *source)
{
	bool sc = o->preset != NULL && strcmp(o->preset, "self-checkout") == 0;

	if (o->keys == NULL)
		*source = sc ? NTAG424_KS_SRC_DIVERSIFIED : NTAG424_KS_SRC_RANDOM;
	else if (strcmp(o->keys, "random") == 0)
		*source = NTAG424_KS_SRC_RANDOM;
	else if (strcmp(o->keys, "diversified") == 0)
		*source = NTAG424_KS_SRC_DIVERSIFIED;
	else if (strcmp(o->keys, "boltcard") == 0)
		*source = NTAG424_KS_SRC_RANDOM;	/* stored like random */
	else {
		fprintf(stderr, "ntag424 %s: --keys is random, diversified or "
		    "boltcard\n", o->cmd);
		return EXIT_USAGE;
	}
	return 0;
}

static bool
keys_boltcard(const struct prov_opts *o)
{
	return o->keys != NULL && strcmp(o->keys, "boltcard") == 0;
}

/* The options around --keys boltcard, before the keystore is opened. */
static int
boltcard_args(const struct prov_opts *o, bool need_plan)
{
	if (!keys_boltcard(o)) {
		if (o->issuer_key == NULL)
			return 0;
		fprintf(stderr, "ntag424 %s: --issuer-key is for --keys "
		    "boltcard\n", o->cmd);
	} else if (!need_plan)
		return 0;
	else if (o->preset == NULL || strcmp(o->preset, "boltcard") != 0)
		fprintf(stderr, "ntag424 %s: --keys boltcard is for --preset "
		    "boltcard (its key roles)\n", o->cmd);
	else if (o->issuer_key == NULL)
		fprintf(stderr, "ntag424 %s: --keys boltcard needs "
		    "--issuer-key @FILE (32 hex digits)\n", o->cmd);
	else if (o->cohort != NULL)
		fprintf(stderr, "ntag424 %s: --keys boltcard: key 1 is the "
		    "issuer key's, its cohort is named after it; leave out "
		    "--cohort\n", o->cmd);
	else
		return 0;
	return EXIT_USAGE;
}

/* --keys boltcard: the issuer key, and K1's cohort for the meta-read key. */
static int
boltcard_source(struct prov_ctx *c, const struct prov_opts *o,
    ntag424_prov_plan_t *plan)
{
	uint8_t	issuer[NTAG424_KEY_LEN];
	int	st = EXIT_USAGE;

	if (secret_from_arg(o->issuer_key, issuer, sizeof(issuer)) != 0)
		fprintf(stderr, "ntag424 %s: --issuer-key: not 32 hex digits "
		    "or an unreadable @FILE\n", o->cmd);
	else if (ksprov_set_boltcard(&c->sp, issuer) != NTAG424_OK ||
	    ksprov_boltcard_cohort_name(issuer, plan->cohort,
	    sizeof(plan->cohort)) != NTAG424_OK) {
		fprintf(stderr, "ntag424 %s: deriving the Boltcard keys "
		    "failed\n", o->cmd);
		st = 1;
	} else
		st = 0;
	wipe(issuer, sizeof(issuer));
	return st;
}

static int
open_ks(struct prov_ctx *c, const struct prov_opts *o)
{
	struct ntag424_ks_opts	ko = { o->db, o->kek_file, 0, 0 };
	int			r;

	if ((c->ks = ntag424_ks_new()) == NULL) {
		fprintf(stderr, "ntag424 %s: out of memory\n", o->cmd);
		return 1;
	}
	if ((r = ntag424_ks_open(c->ks, &ko)) != NTAG424_OK) {
		fprintf(stderr, "ntag424 %s: %s\n", o->cmd,
		    ntag424_ks_errmsg(c->ks)[0] != '\0' ?
		    ntag424_ks_errmsg(c->ks) : ntag424_strerror(r));
		return 1;
	}
	if (ntag424_ks_kek_created(c->ks) != NULL)
		fprintf(stderr, "ntag424: created a new key-encryption key in "
		    "%s: back it up, the keystore's keys cannot be read "
		    "without it\n", ntag424_ks_kek_created(c->ks));
	return 0;
}

/* --uid: the tag on the reader hides its UID (Random ID). */
static int
expect_uid(struct prov_ctx *c, const struct prov_opts *o)
{
	uint8_t uid[NTAG424_UID_LEN];

	if (o->uid == NULL)
		return 0;
	if (hex_decode_str(o->uid, uid, sizeof(uid)) != 0) {
		fprintf(stderr, "ntag424 %s: --uid wants the tag's UID as 14 "
		    "hex digits\n", o->cmd);
		return EXIT_USAGE;
	}
	ntag424_prov_expect_uid(c->p, uid);
	return 0;
}

int
prov_ctx_open(struct prov_ctx *c, const struct prov_opts *o, bool need_plan)
{
	ntag424_prov_plan_t	plan;
	int			source, st;

	memset(c, 0, sizeof(*c));
	memset(&plan, 0, sizeof(plan));
	if ((need_plan && (st = plan_from(o, &plan)) != 0) ||
	    (st = source_from(o, &source)) != 0 ||
	    (st = boltcard_args(o, need_plan)) != 0 ||
	    (st = open_ks(c, o)) != 0)
		return st;
	if ((c->p = ntag424_prov_new()) == NULL ||
	    ksprov_init(&c->sp, c->ks, source) != NTAG424_OK ||
	    ntag424_prov_set_store(c->p, ksprov_ops(), &c->sp) != NTAG424_OK) {
		fprintf(stderr, "ntag424 %s: out of memory\n", o->cmd);
		return 1;
	}
	if (need_plan && keys_boltcard(o) &&
	    (st = boltcard_source(c, o, &plan)) != 0)
		return st;
	snprintf(c->cohort, sizeof(c->cohort), "%s", plan.cohort);
	plan.random_uid = o->random_uid != 0;
	if ((st = expect_uid(c, o)) != 0)
		return st;
	if (need_plan && (st = ntag424_prov_set_plan(c->p, &plan)) !=
	    NTAG424_OK) {
		if (st == NTAG424_ERR_TEMPLATE)
			fprintf(stderr, "ntag424 %s: template: %s\n", o->cmd,
			    ntag424_prov_plan_error(c->p));
		else
			fprintf(stderr, "ntag424 %s: the SDM meta-read key "
			    "shares its key number with another role (key 0, "
			    "the file-read or counter key, or an access "
			    "right): a cohort key there would be every tag's; "
			    "use --meta-key per-tag\n", o->cmd);
		return EXIT_USAGE;
	}
	ntag424_prov_set_dry_run(c->p, o->dry_run != 0);
	return 0;
}

void
prov_ctx_close(struct prov_ctx *c)
{
	if (c->sp.cohort_created)
		fprintf(stderr, "ntag424: created cohort key %s (the SDM "
		    "meta-read key its tags share) in the keystore: back up "
		    "the keystore with 'ntag424 keys export'\n", c->cohort);
	if (c->sp.master_created)
		fprintf(stderr, "ntag424: created master key version %u in the "
		    "keystore (diversified keys): back up the keystore with "
		    "'ntag424 keys export'\n", (unsigned)c->sp.master_version);
	ksprov_wipe(&c->sp);
	ntag424_prov_free(&c->p);
	ntag424_ks_free(&c->ks);
}

void
prov_print_plan(const char *title, const ntag424_prov_report_t *rep)
{
	printf("%s:\n", title);
	for (size_t i = 0; i < rep->nsteps; i++)
		printf("  %-42s %2u C-APDU%s\n", rep->steps[i].what,
		    rep->steps[i].apdus, rep->steps[i].apdus == 1 ? "" : "s");
	printf("  %-42s %2u C-APDUs\n", "total", rep->planned_apdus);
}

static void
print_json(const struct prov_opts *o, const ntag424_prov_report_t *rep,
    int rc, const char *done)
{
	json_t	*j = json_object(), *steps = json_array(), *kv = json_object();
	char	 uid[2 * NTAG424_UID_LEN + 1], *s, k[2] = "0";

	hex_encode(rep->uid, sizeof(rep->uid), uid);
	json_object_set_new(j, "command", json_string(o->cmd));
	json_object_set_new(j, "ok", json_boolean(rc == NTAG424_OK));
	if (rep->has_uid)
		json_object_set_new(j, "uid", json_string(uid));
	json_object_set_new(j, "found",
	    json_string(ntag424_prov_found_name(rep->found)));
	if (rc == NTAG424_OK)
		json_object_set_new(j, "result", json_string(done));
	for (int i = 0; i < NTAG424_PROV_NKEYS; i++)
		if (rep->key_version_mask & (1u << i)) {
			k[0] = (char)('0' + i);
			json_object_set_new(kv, k,
			    json_integer(rep->key_version[i]));
		}
	json_object_set_new(j, "key_versions", kv);
	json_object_set_new(j, "changed", json_boolean(rep->changed));
	json_object_set_new(j, "factory_keys",
	    json_integer(rep->factory_keys));
	json_object_set_new(j, "resumed", json_boolean(rep->resumed));
	if (rep->lrp || rep->lrp_already || rep->lrp_switched)
		json_object_set_new(j, "lrp", json_string(rep->lrp_switched ?
		    "switched" : rep->lrp_already ? "already" : "yes"));
	json_object_set_new(j, "apdus", json_integer((json_int_t)rep->apdus));
	json_object_set_new(j, "bytes", json_integer((json_int_t)rep->bytes));
	json_object_set_new(j, "failed_auths",
	    json_integer(rep->failed_auths));
	if (rep->url[0] != '\0') {
		json_object_set_new(j, "url", json_string(rep->url));
		json_object_set_new(j, "read_counter",
		    json_integer(rep->read_ctr));
	}
	for (size_t i = 0; i < rep->nsteps; i++) {
		json_t *st = json_object();

		json_object_set_new(st, "step", json_string(rep->steps[i].what));
		json_object_set_new(st, "apdus",
		    json_integer(rep->steps[i].apdus));
		json_array_append_new(steps, st);
	}
	json_object_set_new(j, "plan", steps);
	json_object_set_new(j, "planned_apdus",
	    json_integer(rep->planned_apdus));
	if (rc != NTAG424_OK) {
		json_object_set_new(j, "error", json_string(ntag424_errname(rc)));
		if (rc > 0)
			json_object_set_new(j, "status_word", json_integer(rc));
		json_object_set_new(j, "step", json_string(rep->step));
		json_object_set_new(j, "message", json_string(rep->message));
		json_object_set_new(j, "hint", json_string(rep->hint));
	}
	if ((s = json_dumps(j, JSON_COMPACT)) != NULL)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}

/* The tag's cipher suite, once a run has authenticated. */
static void
print_lrp(const ntag424_prov_report_t *rep)
{
	if (rep->lrp_switched)
		printf("cipher suite: LRP (switched in this run; this cannot be "
		    "undone)\n");
	else if (rep->lrp_already)
		printf("cipher suite: LRP (--lrp: the tag was in LRP mode "
		    "already, nothing to do)\n");
	else if (rep->lrp)
		printf("cipher suite: LRP\n");
}

/* An older layout left keys at the factory key: say which, and the cure. */
static void
print_factory_keys(const ntag424_prov_report_t *rep)
{
	if (rep->factory_keys == 0)
		return;
	printf("warning: key");
	for (int k = 0; k < NTAG424_PROV_NKEYS; k++)
		if (rep->factory_keys & (1u << k))
			printf(" %d", k);
	printf(" of this tag still the all-zero factory key (provisioned "
	    "before every key was changed): anyone can authenticate with "
	    "it; reset the tag and provision it again\n");
}

int
prov_print(const struct prov_opts *o, const ntag424_prov_report_t *rep,
    int rc, const char *done)
{
	char uid[2 * NTAG424_UID_LEN + 1] = "?";

	if (rep->has_uid)
		hex_encode(rep->uid, sizeof(rep->uid), uid);
	if (o->json) {
		print_json(o, rep, rc, done);
		return rc == NTAG424_OK ? 0 : 1;
	}
	if (rc != NTAG424_OK) {
		fprintf(stderr, "ntag424 %s: tag %s: %s\n", o->cmd, uid,
		    rep->message[0] != '\0' ? rep->message :
		    ntag424_strerror(rc));
		fprintf(stderr, "  what to do: %s\n", rep->hint[0] != '\0' ?
		    rep->hint : cli_hint(rc) != NULL ? cli_hint(rc) :
		    "run 'ntag424 diagnose'");
		return 1;
	}
	printf("tag %s: %s (%s; %zu C-APDUs, %zu bytes, %u failed "
	    "authentications)\n", uid, done,
	    ntag424_prov_found_name(rep->found), rep->apdus, rep->bytes,
	    rep->failed_auths);
	if (rep->url[0] != '\0')
		printf("url: %s\ncounter: %lu\n", rep->url,
		    (unsigned long)rep->read_ctr);
	print_lrp(rep);
	print_factory_keys(rep);
	return 0;
}
