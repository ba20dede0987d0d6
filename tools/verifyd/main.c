/*
 * ntag424-verifyd: verify tapped NTAG 424 DNA SUN URLs over HTTP, with a
 * durable counter check. See ntag424-verifyd(8) and docs/verifyd.md.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/atomic.h"
#include "common/harden.h"
#include "common/log.h"
#include "verifyd/verifyd.h"
#include "../version.h"

static const char usage[] =
"usage: ntag424-verifyd [--config FILE] [--listen ADDR:PORT] [--db DB]\n"
"           [--kek-file FILE] [--counter-db DB] [--template T]...\n"
"           [--cohort NAME]... [--threads N] [--log-level LEVEL]\n"
"           [--per-tag-meta-keys yes|no] [--port-file FILE]\n"
"           [--max-connections N]\n"
"           [--max-connections-per-ip N] [--header-timeout S]\n"
"           [--preview-agents LIST] [--metrics-listen ADDR:PORT|off]\n"
"           [--replay-uid yes|no] [--reuse-port] [--require-lrp yes|no]\n"
"       ntag424-verifyd --version\n"
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
"  --max-connections N         connections in total (default 1000)\n"
"  --max-connections-per-ip N  per client address (default 64; 0: any)\n"
"  --header-timeout S  seconds for a whole request header (default 10)\n"
"  --preview-agents LIST  User-Agent words of link-preview fetchers,\n"
"                     comma-separated; their GETs verify nothing (\"\": none)\n"
"  --metrics-listen ADDR:PORT  serve /metrics there (default off)\n"
"  --replay-uid yes|no  the UID in JSON replay answers (default no)\n"
"  --reuse-port       share the port with other servers (SO_REUSEPORT)\n"
"  --require-lrp yes|no  accept only tags in LRP mode (default no: AES\n"
"                     and LRP, told apart by the length of {picc})\n"
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
	{ "max-connections", required_argument, NULL, 'o' },
	{ "max-connections-per-ip", required_argument, NULL, 'o' },
	{ "header-timeout", required_argument, NULL, 'o' },
	{ "preview-agents", required_argument, NULL, 'o' },
	{ "metrics-listen", required_argument, NULL, 'o' },
	{ "replay-uid", required_argument, NULL, 'o' },
	{ "reuse-port", no_argument, NULL, 'o' },
	{ "per-tag-meta-keys", required_argument, NULL, 'o' },
	{ "require-lrp", required_argument, NULL, 'o' },
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
			if (vd_config_set(c, longopts[idx].name, optarg != NULL ?
			    optarg : "yes", err,
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
	struct atomic_file	f;
	char			text[16];
	int			n, rc;

	n = snprintf(text, sizeof(text), "%u\n", port);
	if ((rc = atomic_open(&f, path)) == 0) {
		if (atomic_write(&f, text, (size_t)n) != 0) {
			atomic_abort(&f);
			rc = -1;
		} else
			rc = atomic_commit(&f);
	}
	if (rc != 0)
		fprintf(stderr, "ntag424-verifyd: cannot write the port file "
		    "%s: %s\n", path, atomic_strerror(rc));
	return rc;
}

/* SIGHUP: keys and KEK read again; on failure the old ones keep serving. */
static void
reload(vd_tags_t *tags, vd_batch_t *batch, const struct vd_config *c)
{
	char err[512];

	if (vd_tags_reload(tags, c, err, sizeof(err)) == NTAG424_OK &&
	    vd_batch_reload(batch, err, sizeof(err)) == NTAG424_OK)
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
	    c->threads, c->reuse_port, c->max_connections,
	    c->max_connections_ip, c->header_timeout, c->preview_agents,
	    c->metrics_host[0] != '\0' ? c->metrics_host : NULL,
	    c->metrics_port, c->replay_uid };
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
	if (vd_http_metrics_port(http) != 0)
		log_msg(PLOG_INFO, "metrics on %s:%u", c->metrics_host,
		    vd_http_metrics_port(http));
	if (port_file != NULL && write_port(port_file, vd_http_port(http)))
		goto out;
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		reload(tags, batch, c);
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

	if (tool_version(argc, argv, "ntag424-verifyd"))
		return 0;
	if (harden_process() != 0) {
		perror("ntag424-verifyd: cannot make the process non-dumpable");
		return 1;
	}
	vd_config_init(&c);
	if ((rc = parse_args(argc, argv, &c, &port_file)) < 0) {
		log_set_level(c.log_level);
		rc = serve(&c, port_file);
	}
	vd_config_free(&c);
	return rc;
}
