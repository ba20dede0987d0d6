/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Configuration: a file of "key = value" lines and the same keys as long
 * flags; flags given after --config override the file, repeatable keys
 * (template, cohort) add to the list.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "common/log.h"
#include "verifyd/verifyd.h"

#define LINE_MAX_LEN	2048

void
vd_config_init(struct vd_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen_host, sizeof(c->listen_host), "127.0.0.1");
	c->listen_port = 8424;
	c->log_level = PLOG_INFO;
	c->batch_max = VD_BATCH_MAX;
	c->max_connections = 1000;
	c->max_connections_ip = 64;
	c->header_timeout = 10;
	c->section = -1;
}

void
vd_config_free(struct vd_config *c)
{
	size_t i;

	free(c->db);
	free(c->kek_file);
	free(c->counter_db);
	free(c->preview_agents);
	for (i = 0; i < c->ntemplates; i++)
		free(c->templates[i]);
	for (i = 0; i < c->ncohorts; i++)
		free(c->cohorts[i]);
	for (i = 0; i < c->nredirects; i++) {
		free(c->redirects[i].path);
		free(c->redirects[i].url);
		free(c->redirects[i].secret_file);
		OPENSSL_cleanse(c->redirects[i].secret,
		    sizeof(c->redirects[i].secret));
	}
	memset(c, 0, sizeof(*c));
}

static int
set_str(char **dst, const char *v)
{
	char *s;

	if ((s = strdup(v)) == NULL)
		return -1;
	free(*dst);
	*dst = s;
	return 0;
}

static int
add_str(char **list, size_t *n, const char *v)
{
	if (*n >= VD_LIST_MAX || (list[*n] = strdup(v)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static int
parse_uint(const char *v, unsigned long max, unsigned long *out)
{
	char		*end;
	unsigned long	 n;

	if (!isdigit((unsigned char)v[0]))
		return -1;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n > max)
		return -1;
	*out = n;
	return 0;
}

static int
parse_bool(const char *v, bool *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0)
		*out = true;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "0") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

/* "HOST:PORT", "[V6]:PORT" or ":PORT"; port 0 asks for any free port. */
static int
parse_addr(const char *v, char *host, size_t hostcap, uint16_t *portp)
{
	const char	*colon = strrchr(v, ':');
	const char	*h = v;
	size_t		 hlen;
	unsigned long	 port;

	if (colon == NULL || parse_uint(colon + 1, 65535, &port) != 0)
		return -1;
	hlen = (size_t)(colon - v);
	if (hlen >= 2 && v[0] == '[' && v[hlen - 1] == ']') {
		h++;
		hlen -= 2;
	}
	if (hlen >= hostcap)
		return -1;
	if (hlen == 0)
		snprintf(host, hostcap, "127.0.0.1");
	else {
		memcpy(host, h, hlen);
		host[hlen] = '\0';
	}
	*portp = (uint16_t)port;
	return 0;
}

/* "off", or where the metrics listener goes. */
static int
set_metrics(struct vd_config *c, const char *v)
{
	if (strcmp(v, "off") == 0) {
		c->metrics_host[0] = '\0';
		return 0;
	}
	return parse_addr(v, c->metrics_host, sizeof(c->metrics_host),
	    &c->metrics_port);
}

/* Numeric options: the limits of the HTTP side and of the commit. */
static int
set_number(struct vd_config *c, const char *key, const char *v)
{
	unsigned long n;

	if (strcmp(key, "threads") == 0) {
		if (parse_uint(v, 64, &n) != 0)
			return -1;
		c->threads = (unsigned)n;
	} else if (strcmp(key, "batch-max") == 0) {
		if (parse_uint(v, VD_BATCH_MAX, &n) != 0 || n == 0)
			return -1;
		c->batch_max = (unsigned)n;
	} else if (strcmp(key, "max-connections") == 0) {
		if (parse_uint(v, 100000, &n) != 0 || n == 0)
			return -1;
		c->max_connections = (unsigned)n;
	} else if (strcmp(key, "max-connections-per-ip") == 0) {
		if (parse_uint(v, 100000, &n) != 0)
			return -1;
		c->max_connections_ip = (unsigned)n;
	} else if (strcmp(key, "header-timeout") == 0) {
		if (parse_uint(v, 3600, &n) != 0)
			return -1;
		c->header_timeout = (unsigned)n;
	} else
		return 1;
	return 0;
}

/* String and address options; 1 if key is none of them. */
static int
set_other(struct vd_config *c, const char *key, const char *v)
{
	if (strcmp(key, "listen") == 0)
		return parse_addr(v, c->listen_host, sizeof(c->listen_host),
		    &c->listen_port);
	if (strcmp(key, "metrics-listen") == 0)
		return set_metrics(c, v);
	if (strcmp(key, "preview-agents") == 0)
		return set_str(&c->preview_agents, v);
	if (strcmp(key, "reuse-port") == 0)
		return parse_bool(v, &c->reuse_port);
	if (strcmp(key, "replay-uid") == 0)
		return parse_bool(v, &c->replay_uid);
	if (strcmp(key, "per-tag-meta-keys") == 0)
		return parse_bool(v, &c->per_tag_meta);
	if (strcmp(key, "require-lrp") == 0)
		return parse_bool(v, &c->require_lrp);
	if (strcmp(key, "db") == 0)
		return set_str(&c->db, v);
	if (strcmp(key, "kek-file") == 0)
		return set_str(&c->kek_file, v);
	if (strcmp(key, "counter-db") == 0)
		return set_str(&c->counter_db, v);
	if (strcmp(key, "template") == 0)
		return add_str(c->templates, &c->ntemplates, v);
	if (strcmp(key, "cohort") == 0)
		return add_str(c->cohorts, &c->ncohorts, v);
	if (strcmp(key, "log-level") == 0)
		return (c->log_level = log_level_parse(v)) < 0 ? -1 : 0;
	return 1;
}

/* The keys of a [route PATH] section; 1 if key is none of them. */
static int
set_route(struct vd_redirect *rd, const char *key, const char *v)
{
	if (strcmp(key, "redirect") == 0)
		return set_str(&rd->url, v);
	if (strcmp(key, "redirect-secret-file") == 0)
		return set_str(&rd->secret_file, v);
	if (strcmp(key, "redirect-uid") == 0)
		return parse_bool(v, &rd->uid_always);
	return 1;
}

int
vd_config_set(struct vd_config *c, const char *key, const char *v,
    char *err, size_t errlen)
{
	int r;

	if (strncmp(key, "redirect", 8) == 0) {
		if (c->section < 0) {
			snprintf(err, errlen, "%s belongs in a [route PATH] "
			    "section of the config file", key);
			return -1;
		}
		if ((r = set_route(&c->redirects[c->section], key, v)) == 0)
			return 0;
	} else if (c->section >= 0) {
		snprintf(err, errlen, "%s is not a per-route option; put it "
		    "before the first [route PATH]", key);
		return -1;
	} else if ((r = set_number(c, key, v)) == 1)
		r = set_other(c, key, v);
	if (r == 1) {
		snprintf(err, errlen, "unknown option \"%s\"", key);
		return -1;
	}
	if (r != 0)
		snprintf(err, errlen, "%s: invalid value \"%s\"%s", key, v,
		    strcmp(key, "template") == 0 || strcmp(key, "cohort") == 0 ?
		    " (at most 16 of them)" : "");
	return r;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* "[route /PATH]": the keys that follow are that route's. */
static int
load_section(struct vd_config *c, char *line, char *err, size_t errlen)
{
	size_t	n = strlen(line);
	char	*path;

	if (n < 9 || strncmp(line, "[route ", 7) != 0 || line[n - 1] != ']') {
		snprintf(err, errlen, "expected \"[route /PATH]\"");
		return -1;
	}
	line[n - 1] = '\0';
	path = trim(line + 7);
	if (path[0] != '/' || strpbrk(path, "?# \t") != NULL) {
		snprintf(err, errlen, "route \"%s\": a path starts with / and "
		    "has no query", path);
		return -1;
	}
	for (size_t i = 0; i < c->nredirects; i++)
		if (strcmp(c->redirects[i].path, path) == 0) {
			snprintf(err, errlen, "route %s given twice", path);
			return -1;
		}
	if (c->nredirects >= VD_LIST_MAX ||
	    (c->redirects[c->nredirects].path = strdup(path)) == NULL) {
		snprintf(err, errlen, "at most %d routes", VD_LIST_MAX);
		return -1;
	}
	c->section = (int)c->nredirects++;
	return 0;
}

/*
 * A comment runs from a '#' that starts the line or follows a blank to the
 * end of the line; a '#' inside a value (a URL's fragment) stays.
 */
static void
cut_comment(char *line)
{
	for (char *p = line; *p != '\0'; p++)
		if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
}

static int
load_line(struct vd_config *c, char *line, char *err, size_t errlen)
{
	char *eq, *key, *value;

	cut_comment(line);
	line = trim(line);
	if (*line == '\0')
		return 0;
	if (*line == '[')
		return load_section(c, line, err, errlen);
	if ((eq = strchr(line, '=')) == NULL) {
		snprintf(err, errlen, "expected \"key = value\"");
		return -1;
	}
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	/* preview_agents and preview-agents are the same key. */
	for (char *p = key; *p != '\0'; p++)
		if (*p == '_')
			*p = '-';
	return vd_config_set(c, key, value, err, errlen);
}

int
vd_config_load(struct vd_config *c, const char *path, char *err,
    size_t errlen)
{
	FILE	*f;
	char	 line[LINE_MAX_LEN], why[256];
	size_t	 lineno = 0;
	int	 r = 0;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (r == 0 && fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(err, errlen, "%s:%zu: line too long", path,
			    lineno);
			r = -1;
		} else if ((r = load_line(c, line, why, sizeof(why))) != 0)
			snprintf(err, errlen, "%s:%zu: %s", path, lineno, why);
	}
	c->section = -1;	/* flags after --config are global */
	if (r == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		r = -1;
	}
	fclose(f);
	return r;
}
