/* Options, keystore and report printing shared by provision, reset,
 * check and diagnose. */
#ifndef NTAG424_PROV_CLI_H
#define NTAG424_PROV_CLI_H

#include <stdbool.h>

#include "ntag424/keystore.h"
#include "ntag424.h"
#include "ntag424/provision.h"
#include "provision/ksprov.h"

struct prov_opts {
	const char	*cmd;		/* "provision", ... for messages */
	const char	*reader;
	const char	*db;
	const char	*kek_file;
	const char	*preset;
	const char	*tmpl;
	const char	*url;
	const char	*keys;		/* "random" / "diversified" / "boltcard" */
	const char	*issuer_key;	/* --issuer-key HEX|@FILE (boltcard) */
	const char	*cohort;	/* --cohort NAME */
	const char	*meta_key;	/* "cohort" / "per-tag" */
	int		 anyone_write;	/* --anyone-can-write */
	int		 reprovision;	/* adopt --reprovision */
	int		 random_uid;	/* provision --random-uid */
	int		 yes;		/* --yes: confirmed */
	const char	*uid;		/* --uid: a tag hiding its UID */
	int		 lrp;		/* --lrp: switch to LRP mode */
	int		 json;
	int		 dry_run;
	int		 batch;
	unsigned long	 count;		/* --count: batch stops after N tags */
	unsigned long	 timeout;	/* --timeout: seconds to wait for a tag */
	int		 trace;
};

/* The engine with its keystore store, ready for one command. */
struct prov_ctx {
	ntag424_ks_t		*ks;
	struct ksprov		 sp;
	ntag424_prov_t		*p;
	char			 cohort[NTAG424_PROV_NAME_MAX + 1];
};

/*
 * Parse the options every engine command shares. Returns -1 to go on,
 * else the exit status (0 after --help). usage is printed on errors.
 */
int prov_parse(int argc, char **argv, struct prov_opts *o,
    const char *usage);
/* Open the keystore and set up the engine (plan when o has one). */
int prov_ctx_open(struct prov_ctx *c, const struct prov_opts *o,
    bool need_plan);
void prov_ctx_close(struct prov_ctx *c);
/* Print a run's outcome (text or JSON); returns the exit status. */
int prov_print(const struct prov_opts *o, const ntag424_prov_report_t *rep,
    int rc, const char *done);
/* The plan of a dry run / diagnose as text lines. */
void prov_print_plan(const char *title, const ntag424_prov_report_t *rep);

#endif
