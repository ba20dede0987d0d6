/*
 * ntag424-verifyd internals: the SUN verification service.
 *
 *   config.c   the configuration file and flags
 *   tags.c     the tag directory: keys per UID (read on demand), meta-read
 *              keys, templates
 *   cache.c    its bounded caches of tags and unknown UIDs (cache.h)
 *   verify.c   the pipeline: route -> parse -> PICCData -> keys -> MAC
 *   batch.c    the group commit of counter advances (one committer thread)
 *   http.c     libmicrohttpd: suspend while the counter commits, resume
 *   routes.c   /tag-like paths, /api/verify, /healthz, /metrics
 *   json.c     the JSON answer
 *   page.c     the landing page
 *   metrics.c  Prometheus counters and the latency histogram
 *   verdict.c  verdict names and their HTTP statuses
 */
#ifndef PROVISIO_VERIFYD_H
#define PROVISIO_VERIFYD_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ntag424/keystore.h"
#include "ntag424.h"

#define VD_LIST_MAX		16	/* templates, cohorts */
#define VD_REASON_MAX		160
#define VD_BATCH_MAX		256	/* advances per commit */

/* The verdicts: one stable enum, names in JSON, statuses in verdict.c. */
enum vd_verdict {
	VD_VALID = 0,
	VD_BAD_MAC,
	VD_REPLAY,
	VD_UNKNOWN_TAG,
	VD_MALFORMED,
	VD_KEY_UNAVAILABLE,
	VD_STORE_ERROR,
	VD_REVOKED,		/* genuine, but the tag is revoked */
	VD_NVERDICTS,
};

/* verdict.c */
const char *vd_verdict_name(int verdict);
unsigned vd_verdict_status(int verdict);

/* config.c */
struct vd_config {
	char		 listen_host[64];
	uint16_t	 listen_port;
	char		*db;			/* keystore; NULL: default */
	char		*kek_file;		/* NULL: keystore default */
	char		*counter_db;		/* NULL: the keystore */
	char		*templates[VD_LIST_MAX];
	size_t		 ntemplates;
	char		*cohorts[VD_LIST_MAX];
	size_t		 ncohorts;
	int		 log_level;
	unsigned	 threads;		/* 0: one per core */
	unsigned	 batch_max;
	/* The HTTP surface (http.c; docs/verifyd.md, the configuration table). */
	bool		 reuse_port;		/* share the port on purpose */
	unsigned	 max_connections;	/* in total */
	unsigned	 max_connections_ip;	/* per client address; 0: any */
	unsigned	 header_timeout;	/* seconds per header; 0: none */
	char		*preview_agents;	/* NULL: VD_PREVIEW_AGENTS */
	char		 metrics_host[64];	/* "": no metrics listener */
	uint16_t	 metrics_port;
	bool		 replay_uid;		/* the UID in replay answers */
	bool		 per_tag_meta;		/* walk every tag for its
						   meta-read key */
	bool		 require_lrp;		/* only tags in LRP mode verify */
};

/*
 * User-Agent substrings (case-insensitive) of link-preview fetchers: chat
 * apps, social networks and mail scanners that GET a link to show a
 * preview. Their GETs get a neutral page and consume nothing.
 */
#define VD_PREVIEW_AGENTS	"facebookexternalhit, Facebot, Twitterbot, " \
    "Slackbot, Slack-ImgProxy, WhatsApp, TelegramBot, Discordbot, " \
    "LinkedInBot, SkypeUriPreview, MicrosoftPreview, BingPreview, " \
    "Iframely, Embedly, redditbot, Pinterestbot, Applebot, " \
    "Google-PageRenderer, Googlebot, bingbot, vkShare, Mastodon, " \
    "Snapchat, Viber, KakaoTalk-scrap, Yahoo! Slurp, ZoomBot, Mattermost"

void vd_config_init(struct vd_config *c);
void vd_config_free(struct vd_config *c);
/*
 * Set one option by its long name ("listen", "db", "template", ...).
 * Returns 0, or -1 with a sentence in err.
 */
int vd_config_set(struct vd_config *c, const char *key, const char *value,
    char *err, size_t errlen);
/* Read a "key = value" file ('#' comments). 0 or -1 with err. */
int vd_config_load(struct vd_config *c, const char *path, char *err,
    size_t errlen);

/* One verification's outcome. */
struct vd_result {
	int		verdict;		/* enum vd_verdict */
	char		field[NTAG424_SUN_FIELD_MAX];	/* malformed */
	char		reason[VD_REASON_MAX];
	uint8_t		uid[NTAG424_UID_LEN];
	bool		has_uid;		/* authentic UID */
	uint32_t	ctr;
	uint32_t	generation;
	uint8_t		file_data[NTAG424_SUN_DATA_MAX];
	size_t		file_data_len;
	int64_t		time;			/* Unix seconds of the verdict */
	char		request_id[24];		/* 503: the log line's id */
};

/* Wipe a result (it may hold decrypted file data). */
void vd_result_clear(struct vd_result *r);

/* tags.c: the tag directory */
typedef struct vd_tags vd_tags_t;

/* A tag's keys as the verifier needs them (wiped after use). */
struct vd_tagkeys {
	uint32_t	generation;
	uint8_t		file_key[16];
	int		status;		/* VD_TAG_* */
	bool		revoked;	/* ntag424_ks_tag_revoke() */
	int64_t		loaded;		/* monotonic ms when read */
};

/*
 * The directory keeps at most VD_TAG_CACHE tags and VD_UNKNOWN_CACHE UIDs
 * the keystore does not know (for a second); the rest is read on demand.
 */
#define VD_TAG_CACHE		262144
#define VD_UNKNOWN_CACHE	4096

#define VD_TAG_OK		0	/* provisioned, keys available */
#define VD_TAG_UNKNOWN		1	/* not in the keystore or not provisioned */
#define VD_TAG_NO_KEY		2	/* its keys cannot be had */

/*
 * Open the keystore of c with the KEK, load the cohort keys (every version
 * of the configured cohorts, which must exist, and of every other cohort
 * in the keystore), the templates (c's and the provisioned tags' distinct
 * ones) and, only with c->per_tag_meta, every tag's meta-read key. Tags
 * are read when first needed. c is not kept. Returns 0, or a negative
 * NTAG424_ERR_* with a sentence in err.
 */
int vd_tags_open(vd_tags_t **tp, const struct vd_config *c, char *err,
    size_t errlen);
void vd_tags_free(vd_tags_t **tp);
/*
 * SIGHUP: open the keystore again (the KEK file as configured), reload
 * cohort keys and templates (new ones are added; a template once served
 * stays), then drop every cached tag and master key. On failure nothing
 * changes (the old keys keep serving): NTAG424_ERR_* and err.
 */
int vd_tags_reload(vd_tags_t *t, const struct vd_config *c, char *err,
    size_t errlen);
/*
 * 0 if the keystore answered the directory's last read (or answers a probe
 * now, at most once a second), else -1 with why.
 */
int vd_tags_health(vd_tags_t *t, char *why, size_t cap);
/* Number of compiled templates, and one of them (borrowed). */
size_t vd_tags_ntemplates(vd_tags_t *t);
const ntag424_template_t *vd_tags_template(vd_tags_t *t, size_t i);
/* The path part of template i ("/tag"), borrowed. */
const char *vd_tags_template_path(vd_tags_t *t, size_t i);
/* Meta-read key i (cohort keys first) into key: 0, or -1 past the end. */
int vd_tags_meta_key(vd_tags_t *t, size_t i, uint8_t key[16]);
/*
 * The keys of uid from the cache. refresh: read the tag again from the
 * keystore first (at most once a second per UID unless force). Returns 0
 * (k->status says what was found) or NTAG424_ERR_STORE with reason.
 */
int vd_tags_lookup(vd_tags_t *t, const uint8_t uid[NTAG424_UID_LEN],
    int refresh, struct vd_tagkeys *k, char *reason, size_t cap);
/*
 * Reload the meta-read keys (cohorts; with per-tag keys every tag's) at
 * most once a second: 1 reloaded (the list may have changed order), 0 not
 * due, NTAG424_ERR_STORE when the keystore failed, other NTAG424_ERR_*.
 */
int vd_tags_reload_meta(vd_tags_t *t);
/* A random key to MAC with when the UID is unknown. */
const uint8_t *vd_tags_dummy_key(const vd_tags_t *t);

/* batch.c: the group commit */
typedef struct vd_batch vd_batch_t;

struct vd_advance {
	struct ntag424_ks_advance	 a;
	int				 err;	/* NTAG424_OK or _ERR_STORE */
	char				 errmsg[VD_REASON_MAX];
	void				(*done)(struct vd_advance *, void *);
	void				*arg;
	struct vd_advance		*next;
};

/*
 * Start the committer on its own keystore handle (opened from c with the
 * KEK: counter rows carry MACs under a key derived from it). Returns 0 or
 * NTAG424_ERR_* with err.
 */
int vd_batch_start(vd_batch_t **bp, const struct vd_config *c, char *err,
    size_t errlen);
/* Commit whatever is queued, stop the thread, close. NULL-safe. */
void vd_batch_stop(vd_batch_t **bp);
/* Queue one advance; a->done(a, a->arg) runs on the committer thread. */
void vd_batch_submit(vd_batch_t *b, struct vd_advance *a);
/*
 * SIGHUP: open a new handle with the KEK as configured (row MACs follow the
 * KEK); the committer uses it from its next commit. On failure the old one
 * stays. Returns 0 or NTAG424_ERR_* with err.
 */
int vd_batch_reload(vd_batch_t *b, char *err, size_t errlen);
/*
 * Fail every advance still queued and not yet in a commit (err
 * NTAG424_ERR_STORE, errmsg why): nothing of them was accepted. Their
 * done() runs on the caller's thread.
 */
void vd_batch_cancel(vd_batch_t *b, const char *why);
/* Queue one and wait for it (tests, fuzzing). */
void vd_batch_run(vd_batch_t *b, struct vd_advance *a);

/* verify.c: the pipeline up to the counter */
typedef struct vd_verifier vd_verifier_t;

/* One per thread: keyed AES contexts reused from request to request. */
vd_verifier_t *vd_verifier_new(vd_tags_t *tags);
void vd_verifier_free(vd_verifier_t **vp);

/*
 * Verify a tapped URL: path (may be NULL for a whole URL in query) and its
 * query. Returns 1 when the MAC verified and the counter must now be
 * advanced (adv filled, res has the UID and counter), 0 when res holds
 * the final verdict. refresh: re-read the tag first (after STALE).
 */
int vd_verify(vd_verifier_t *v, const char *path, const char *query,
    size_t qlen, int refresh, struct vd_result *res,
    struct ntag424_ks_advance *adv);
/* Turn the committed outcome (or store error) into the verdict. */
void vd_verify_settle(struct vd_result *res, const struct vd_advance *a);
/* 1 if some template serves path. */
int vd_verify_serves(vd_verifier_t *v, const char *path, size_t len);

/* metrics.c */
void vd_metrics_count(int verdict, double seconds);
void vd_metrics_store_error(void);
/* One group commit of n advances was attempted. */
void vd_metrics_commit(size_t n);
/* n meta-read keys were tried on one PICCData. */
void vd_metrics_meta_tried(size_t n);
/* The directory's entries of a kind (VD_DIR_*) changed by delta. */
#define VD_DIR_TAGS		0
#define VD_DIR_UNKNOWN		1
void vd_metrics_directory(int kind, long delta);
/* Prometheus text into a malloc'd string; NULL if out of memory. */
char *vd_metrics_text(size_t *len);

/*
 * json.c: the verdict as JSON (malloc'd, NUL-terminated) or NULL. The UID
 * of a replay is included only if replay_uid.
 */
char *vd_json(const struct vd_result *r, bool replay_uid);
/* {"checked":false,"reason":why,"time":t}: nothing was verified. */
char *vd_json_neutral(const char *why, int64_t t);
/*
 * reason into out (cap bytes): printable ASCII only; if it does not fit,
 * or fills the whole of out (it was cut already), it is cut at a space
 * and marked with "...".
 */
void vd_reason_text(const char *reason, char *out, size_t cap);

/* page.c: the landing page as HTML (malloc'd) or NULL */
char *vd_page(const struct vd_result *r);
/* The page for a HEAD or a link preview: nothing verified. */
char *vd_page_neutral(void);

/* http.c */
typedef struct vd_http vd_http_t;

struct vd_http_opts {
	const char	*host;
	uint16_t	 port;		/* 0: any free port */
	unsigned	 threads;
	bool		 reuse_port;	/* SO_REUSEPORT: share the port */
	unsigned	 max_conns;	/* connections in total */
	unsigned	 max_conns_ip;	/* per client address; 0: no limit */
	unsigned	 header_timeout; /* seconds for a whole header; 0: none */
	const char	*preview_agents; /* comma-separated; NULL: default */
	const char	*metrics_host;	/* NULL: no /metrics at all */
	uint16_t	 metrics_port;
	bool		 replay_uid;
};

int vd_http_start(vd_http_t **hp, const struct vd_http_opts *o,
    vd_tags_t *tags, vd_batch_t *batch, char *err, size_t errlen);
/* The port actually bound, and the metrics listener's (0: none). */
uint16_t vd_http_port(const vd_http_t *h);
uint16_t vd_http_metrics_port(const vd_http_t *h);
/*
 * Stop accepting; fail what is queued for a commit, answer every waiting
 * request, then stop. NULL-safe.
 */
void vd_http_stop(vd_http_t **hp);

/* routes.c: used by http.c */
struct vd_request;
struct vd_route_ctx {
	vd_tags_t	*tags;
	vd_batch_t	*batch;
};

#endif
