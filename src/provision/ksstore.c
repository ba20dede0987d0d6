/* The keystore store of include/ntag424/ksstore.h, over ksprov. */
#include <stdlib.h>

#include "ntag424/err.h"
#include "ntag424/ksstore.h"
#include "provision/ksprov.h"

struct ntag424_ks_store {
	struct ksprov	sp;
};

ntag424_ks_store_t *
ntag424_ks_store_new(ntag424_ks_t *ks, int source)
{
	ntag424_ks_store_t *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if (ksprov_init(&s->sp, ks, source) != NTAG424_OK) {
		free(s);
		return NULL;
	}
	return s;
}

void
ntag424_ks_store_free(ntag424_ks_store_t **sp)
{
	if (sp == NULL || *sp == NULL)
		return;
	free(*sp);
	*sp = NULL;
}

int
ntag424_ks_store_attach(ntag424_ks_store_t *s, ntag424_prov_t *p)
{
	if (s == NULL || p == NULL)
		return NTAG424_ERR_ARG;
	return ntag424_prov_set_store(p, ksprov_ops(), &s->sp);
}
