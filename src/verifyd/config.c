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
}

void
vd_config_free(struct vd_config *c)
{
	size_t i;

	free(c->db);
	free(c->kek_file);
	free(c->counter_db);
	for (i = 0; i < c->ntemplates; i++)
		free(c->templates[i]);
	for (i = 0; i < c->ncohorts; i++)
		free(c->cohorts[i]);
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

/* "HOST:PORT", "[V6]:PORT" or ":PORT"; port 0 asks for any free port. */
static int
set_listen(struct vd_config *c, const char *v)
{
	const char	*colon = strrchr(v, ':');
	const char	*host = v;
	size_t		 hlen;
	unsigned long	 port;

	if (colon == NULL || parse_uint(colon + 1, 65535, &port) != 0)
		return -1;
	hlen = (size_t)(colon - v);
	if (hlen >= 2 && v[0] == '[' && v[hlen - 1] == ']') {
		host++;
		hlen -= 2;
	}
	if (hlen >= sizeof(c->listen_host))
		return -1;
	if (hlen == 0)
		snprintf(c->listen_host, sizeof(c->listen_host), "127.0.0.1");
	else {
		memcpy(c->listen_host, host, hlen);
		c->listen_host[hlen] = '\0';
	}
	c->listen_port = (uint16_t)port;
	return 0;
}

int
vd_config_set(struct vd_config *c, const char *key, const char *v,
    char *err, size_t errlen)
{
	unsigned long	n;
	int		r = -1;

	if (strcmp(key, "listen") == 0)
		r = set_listen(c, v);
	else if (strcmp(key, "db") == 0)
		r = set_str(&c->db, v);
	else if (strcmp(key, "kek-file") == 0)
		r = set_str(&c->kek_file, v);
	else if (strcmp(key, "counter-db") == 0)
		r = set_str(&c->counter_db, v);
	else if (strcmp(key, "template") == 0)
		r = add_str(c->templates, &c->ntemplates, v);
	else if (strcmp(key, "cohort") == 0)
		r = add_str(c->cohorts, &c->ncohorts, v);
	else if (strcmp(key, "log-level") == 0)
		r = (c->log_level = log_level_parse(v)) < 0 ? -1 : 0;
	else if (strcmp(key, "threads") == 0) {
		if ((r = parse_uint(v, 64, &n)) == 0)
			c->threads = (unsigned)n;
	} else if (strcmp(key, "batch-max") == 0) {
		if ((r = parse_uint(v, VD_BATCH_MAX, &n)) == 0 && n > 0)
			c->batch_max = (unsigned)n;
		else
			r = -1;
	} else if (strcmp(key, "per-tag-meta-keys") == 0) {
		if ((r = strcmp(v, "yes") == 0 || strcmp(v, "no") == 0 ? 0 :
		    -1) == 0)
			c->per_tag_meta = strcmp(v, "yes") == 0;
	} else {
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

static int
load_line(struct vd_config *c, char *line, char *err, size_t errlen)
{
	char *eq, *key, *value;

	line = trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	if ((eq = strchr(line, '=')) == NULL) {
		snprintf(err, errlen, "expected \"key = value\"");
		return -1;
	}
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
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
	if (r == 0 && ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		r = -1;
	}
	fclose(f);
	return r;
}
