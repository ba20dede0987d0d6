/*
 * ntag424-verifyd: verify tapped NTAG 424 DNA SUN URLs over HTTP, with a
 * durable counter check. See ntag424-verifyd(8) and docs/verifyd.md.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "verifyd/verifyd.h"

static const char usage[] =
"usage: ntag424-verifyd [--config FILE] [--listen ADDR:PORT] [--db DB]\n"
"           [--kek-file FILE] [--counter-db DB] [--template T]...\n"
"           [--cohort NAME]... [--threads N] [--log-level LEVEL]\n"
"           [--per-tag-meta-keys yes|no] [--port-file FILE]\n"
"  --config FILE      read \"key = value\" lines (same keys as the flags)\n"
"  --listen ADDR:PORT where to listen (default 127.0.0.1:8424; port 0: any)\n"
"  --db DB            keystore: SQLite path or postgresql:// URI\n"
"  --kek-file FILE    the keystore's key-encryption key (mode 0600)\n"
"  --counter-db DB    counters elsewhere (default: the keystore)\n"
"  --template T       a URL template to serve (tags' own are added)\n"
"  --cohort NAME      a cohort (meta-read) key, every version active\n"
"  --per-tag-meta-keys yes|no\n"
"                     also try every tag's own meta-read key (reads every\n"
"                     tag at start; each request may try them all)\n"
"  --threads N        HTTP threads (default: one per core)\n"
"  --log-level LEVEL  error, warn, info, debug or trace\n"
"  --port-file FILE   write the bound port there once listening\n"
"SIGHUP reads the keystore and the KEK file again.\n";

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "listen", required_argument, NULL, 'o' },
	{ "db", required_argument, NULL, 'o' },
	{ "kek-file", required_argument, NULL, 'o' },
	{ "counter-db", required_argument, NULL, 'o' },
	{ "template", required_argument, NULL, 'o' },
	{ "cohort", required_argument, NULL, 'o' },
	{ "threads", required_argument, NULL, 'o' },
	{ "log-level", required_argument, NULL, 'o' },
	{ "batch-max", required_argument, NULL, 'o' },
	{ "per-tag-meta-keys", required_argument, NULL, 'o' },
	{ "port-file", required_argument, NULL, 'p' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
parse_args(int argc, char **argv, struct vd_config *c, const char **port_file)
{
	char	err[512];
	int	ch, idx;

	/* The file first, so that flags override it wherever they stand. */
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--config") == 0 &&
		    vd_config_load(c, argv[i + 1], err, sizeof(err)) != 0) {
			fprintf(stderr, "ntag424-verifyd: %s\n", err);
			return 2;
		}
	while ((ch = getopt_long(argc, argv, "h", longopts, &idx)) != -1) {
		switch (ch) {
		case 'c':
			break;
		case 'o':
			if (vd_config_set(c, longopts[idx].name, optarg, err,
			    sizeof(err)) != 0) {
				fprintf(stderr, "ntag424-verifyd: --%s\n", err);
				return 2;
			}
			break;
		case 'p':
			*port_file = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 2;
	}
	return -1;
}

static int
write_port(const char *path, uint16_t port)
{
	char	tmp[4096];
	FILE	*f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "%u\n", port);
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

/* SIGHUP: keys and KEK read again; on failure the old ones keep serving. */
static void
reload(vd_tags_t *tags, const struct vd_config *c)
{
	char err[512];

	if (vd_tags_reload(tags, c, err, sizeof(err)) == NTAG424_OK)
		log_msg(PLOG_INFO, "SIGHUP: keystore, KEK, cohort keys and "
		    "templates read again");
	else
		log_msg(PLOG_ERROR, "SIGHUP: still serving with the keys "
		    "loaded before: %s", err);
}

/* Serve until SIGTERM or SIGINT; SIGHUP reloads. */
static int
serve(const struct vd_config *c, const char *port_file)
{
	struct vd_http_opts	 ho = { c->listen_host, c->listen_port,
	    c->threads };
	vd_tags_t		*tags = NULL;
	vd_batch_t		*batch = NULL;
	vd_http_t		*http = NULL;
	sigset_t		 set;
	char			 err[512];
	int			 sig, rc = 1;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);	/* threads inherit it */
	signal(SIGPIPE, SIG_IGN);
	if (vd_tags_open(&tags, c, err, sizeof(err)) != NTAG424_OK ||
	    vd_batch_start(&batch, c, err, sizeof(err)) != NTAG424_OK ||
	    vd_http_start(&http, &ho, tags, batch, err, sizeof(err)) !=
	    NTAG424_OK) {
		fprintf(stderr, "ntag424-verifyd: %s\n", err);
		goto out;
	}
	log_msg(PLOG_INFO, "listening on %s:%u", c->listen_host,
	    vd_http_port(http));
	if (port_file != NULL && write_port(port_file, vd_http_port(http))) {
		fprintf(stderr, "ntag424-verifyd: cannot write %s\n", port_file);
		goto out;
	}
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		reload(tags, c);
	log_msg(PLOG_INFO, "signal %d: stopping", sig);
	rc = 0;
out:
	vd_http_stop(&http);
	vd_batch_stop(&batch);
	vd_tags_free(&tags);
	return rc;
}

int
main(int argc, char **argv)
{
	struct vd_config	 c;
	const char		*port_file = NULL;
	int			 rc;

	vd_config_init(&c);
	if ((rc = parse_args(argc, argv, &c, &port_file)) < 0) {
		log_set_level(c.log_level);
		rc = serve(&c, port_file);
	}
	vd_config_free(&c);
	return rc;
}
