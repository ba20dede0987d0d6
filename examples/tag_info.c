/*
 * Read a tag's facts through PC/SC, using only the installed libntag424:
 *
 *   tag_info [READER]
 *
 * Connects to the tag on READER (or the first reader with a tag), selects
 * the NTAG 424 DNA application and prints what GetVersion says: hardware
 * and software versions, storage size, UID and production date. Needs no
 * key: nothing here authenticates.
 *
 * Build: cc tag_info.c $(pkg-config --cflags --libs ntag424)
 */
#include <stdbool.h>
#include <stdio.h>

#include <ntag424.h>

static void
print_version(const ntag424_version_t *v)
{
	bool between;
	unsigned long size = ntag424_version_storage(v->hw_storage, &between);
	size_t i;

	printf("hardware  vendor %02X type %02X, version %u.%u\n",
	    v->hw_vendor, v->hw_type, v->hw_major, v->hw_minor);
	printf("software  vendor %02X type %02X, version %u.%u\n",
	    v->sw_vendor, v->sw_type, v->sw_major, v->sw_minor);
	printf("storage   %s%lu bytes\n", between ? "over " : "", size);
	printf("uid       ");
	for (i = 0; i < sizeof(v->uid); i++)
		printf("%02X", v->uid[i]);
	printf("%s\n", v->uid[0] == 0 ? " (random ID on)" : "");
	printf("produced  week %02X of 20%02X\n", v->prod_week, v->prod_year);
}

int
main(int argc, char **argv)
{
	ntag424_dev_t *dev = NULL;
	ntag424_version_t v;
	int r;

	if (argc > 2) {
		fprintf(stderr, "usage: tag_info [READER]\n");
		return 2;
	}
	if ((dev = ntag424_dev_new()) == NULL) {
		fprintf(stderr, "tag_info: out of memory\n");
		return 1;
	}
	if ((r = ntag424_dev_open_pcsc(dev, argc == 2 ? argv[1] : NULL)) !=
	    NTAG424_OK ||
	    (r = ntag424_select_application(dev)) != NTAG424_OK ||
	    (r = ntag424_version_get(dev, &v)) != NTAG424_OK) {
		fprintf(stderr, "tag_info: %s\n", ntag424_strerror(r));
		ntag424_dev_free(&dev);
		return 1;
	}
	print_version(&v);
	ntag424_dev_free(&dev);
	return 0;
}
