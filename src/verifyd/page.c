/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The landing page for the phone that tapped: one verdict in large type,
 * the UID partly masked, the counter and the time. Plain HTML and inline
 * CSS, no JavaScript, no external resources; fits a 360 px screen.
 * Only words meant for the customer reach it: the reasons, file names and
 * database errors of the JSON answer stay there and in the log; a 503
 * shows its request id, for the customer to quote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/hex.h"
#include "verifyd/verifyd.h"

struct look {
	const char	*title;		/* the visible verdict */
	const char	*line;
	const char	*color;
};

static struct look
look_of(int verdict)
{
	switch (verdict) {
	case VD_VALID:
		return (struct look){ "Genuine", "This tag is genuine and this "
		    "tap was seen for the first time.", "#1b7f3b" };
	case VD_REPLAY:
		return (struct look){ "Already used", "This link was opened "
		    "before. Tap the tag again for a fresh one.", "#b26a00" };
	case VD_REVOKED:
		return (struct look){ "Tag disabled", "This tag is genuine, but "
		    "it was disabled by its owner (reported lost or stolen), so "
		    "its taps are no longer accepted.", "#6b3fa0" };
	case VD_MALFORMED:
		/* Mostly a link cut short by a reader or a chat app. */
		return (struct look){ "This link is damaged", "Part of this "
		    "link is missing or was changed on the way, so it cannot "
		    "be checked. Tap the tag again.", "#8a5a00" };
	case VD_KEY_UNAVAILABLE:
	case VD_STORE_ERROR:
		return (struct look){ "Cannot check now", "The service cannot "
		    "verify tags at the moment. Try again shortly.", "#555555" };
	default:
		return (struct look){ "Not genuine", "This link was not made "
		    "by a genuine tag, or it was altered.", "#b3261e" };
	}
}

/* 04DE5F1EACC040 -> 04DE******C040: enough to recognise, not to copy. */
static void
mask_uid(const uint8_t uid[NTAG424_UID_LEN], char out[2 * NTAG424_UID_LEN + 1])
{
	hex_encode(uid, NTAG424_UID_LEN, out);
	memset(out + 4, '*', 2 * NTAG424_UID_LEN - 8);
}

/*
 * Only characters that need no escaping reach the page's dynamic parts
 * (in may be out).
 */
static void
safe_text(const char *in, char *out, size_t cap)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i < cap - 1; i++)
		out[i] = strchr("<>&\"'", in[i]) == NULL && in[i] >= 0x20 &&
		    in[i] < 0x7f ? in[i] : '?';
	out[i] = '\0';
}

static void
details(const struct vd_result *r, char *out, size_t cap)
{
	char		uid[2 * NTAG424_UID_LEN + 1], when[64];
	time_t		t = (time_t)r->time;
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	if (!r->has_uid) {
		snprintf(out, cap, "<dt>Checked</dt><dd>%s</dd>", when);
		return;
	}
	mask_uid(r->uid, uid);
	snprintf(out, cap, "<dt>Tag</dt><dd>%s</dd><dt>Tap number</dt>"
	    "<dd>%lu</dd><dt>Checked</dt><dd>%s</dd>", uid,
	    (unsigned long)r->ctr, when);
}

/* The page's frame around a title, a line and the details. */
static char *
frame(const char *title, const char *color, const char *line,
    const char *det, const char *foot)
{
	static const char fmt[] =
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,"
	    "initial-scale=1\"><meta name=\"robots\" content=\"noindex\">"
	    "<title>%s</title><style>"
	    "body{margin:0;font-family:system-ui,sans-serif;background:#f4f4f4;"
	    "color:#222}main{max-width:28rem;margin:0 auto;padding:1.5rem}"
	    "h1{font-size:2.4rem;margin:0 0 .5rem;color:%s}"
	    ".card{background:#fff;border-top:.5rem solid %s;border-radius:.5rem;"
	    "padding:1.25rem;box-shadow:0 1px 3px #0002}"
	    "p{font-size:1.1rem;line-height:1.4}dl{display:grid;"
	    "grid-template-columns:auto 1fr;gap:.4rem 1rem;font-size:1rem}"
	    "dt{color:#666}dd{margin:0;font-family:ui-monospace,monospace}"
	    "small{color:#666}</style></head><body><main><div class=\"card\">"
	    "<h1 id=\"verdict\">%s</h1><p>%s</p><dl>%s</dl>"
	    "<small>%s</small></div></main></body></html>\n";
	char	*s;
	int	 n;

	n = snprintf(NULL, 0, fmt, title, color, color, title, line, det, foot);
	if (n < 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	snprintf(s, (size_t)n + 1, fmt, title, color, color, title, line, det,
	    foot);
	return s;
}

char *
vd_page(const struct vd_result *r)
{
	struct look	 l = look_of(r->verdict);
	char		 det[512], foot[64] = "", id[sizeof(r->request_id)];

	details(r, det, sizeof(det));
	if (r->request_id[0] != '\0') {
		safe_text(r->request_id, id, sizeof(id));
		snprintf(foot, sizeof(foot), "Reference: %s", id);
	}
	return frame(l.title, l.color, l.line, det, foot);
}

/* A path that is no tag's link: a page, not the API's JSON. */
char *
vd_page_not_found(void)
{
	return frame("Page not found", "#555555", "This address is not a "
	    "tag's link. To check a tag, tap it with your phone.", "", "");
}

/* HEAD or a link preview: the page of a tap that was not checked. */
char *
vd_page_neutral(void)
{
	static const char page[] =
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,"
	    "initial-scale=1\"><meta name=\"robots\" content=\"noindex\">"
	    "<title>Tap to check</title><style>body{margin:0;font-family:"
	    "system-ui,sans-serif;background:#f4f4f4;color:#222}main{max-width:"
	    "28rem;margin:0 auto;padding:1.5rem}h1{font-size:2rem;margin:0 0 "
	    ".5rem}p{font-size:1.1rem;line-height:1.4}</style></head><body>"
	    "<main><h1 id=\"verdict\">Tap to check</h1><p>Open this link by "
	    "tapping the tag with your phone to check it. Previews and "
	    "forwarded links are not checked.</p></main></body></html>\n";

	return strdup(page);
}
