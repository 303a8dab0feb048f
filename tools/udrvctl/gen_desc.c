// SPDX-License-Identifier: MIT
/*
 * gen_desc.c - the device description udrvctl gen works from (format in
 * gen.h): taken from the agent's card info, or read back from a file, so
 * that a project can be generated again, or tested, without the device.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "gen.h"
#include "parse.h"

void gen_desc_from_info(const WD_PCI_CARD_INFO *info, struct gen_desc *d)
{
	const WD_ITEM *it;
	uint32_t i;

	memset(d, 0, sizeof(*d));
	d->vendor = info->id.vendor;
	d->device = info->id.device;
	for (i = 0; i < info->num_items && d->num_bars < GEN_MAX_BARS; i++) {
		it = &info->item[i];
		if (it->type == WD_ITEM_INTERRUPT || it->bar >= GEN_MAX_BARS ||
		    !it->length)
			continue;
		d->bar[d->num_bars].index = it->bar;
		d->bar[d->num_bars].io = it->type == WD_ITEM_IO;
		d->bar[d->num_bars].is64 = it->flags & WD_ITEM_64BIT;
		d->bar[d->num_bars].prefetch = it->flags & WD_ITEM_PREFETCHABLE;
		d->bar[d->num_bars].size = it->length;
		d->num_bars++;
	}
	d->intx = info->caps & WD_CAP_INTX;
	d->msi = info->caps & WD_CAP_MSI ? info->msi_vectors : 0;
	d->msix = info->caps & WD_CAP_MSIX ? info->msix_vectors : 0;
}

const struct gen_bar *gen_desc_bar(const struct gen_desc *d, uint32_t index)
{
	uint32_t i;

	for (i = 0; i < d->num_bars; i++)
		if (d->bar[i].index == index)
			return &d->bar[i];
	return NULL;
}

static int parse_bar(char **w, int n, struct gen_desc *d, char *err,
		     size_t errlen)
{
	struct gen_bar b;
	uint32_t i;
	int j;

	memset(&b, 0, sizeof(b));
	if (n < 4 || ctl_parse_u32(w[1], &b.index) ||
	    b.index >= GEN_MAX_BARS || ctl_parse_u64(w[3], &b.size) ||
	    !b.size || (strcmp(w[2], "mem") && strcmp(w[2], "io"))) {
		snprintf(err, errlen, "expected 'bar N mem|io SIZE ...' with N 0-5 and SIZE > 0");
		return -1;
	}
	b.io = !strcmp(w[2], "io");
	for (j = 4; j < n; j++) {
		if (!strcmp(w[j], "64-bit"))
			b.is64 = true;
		else if (!strcmp(w[j], "prefetchable"))
			b.prefetch = true;
		else if (strcmp(w[j], "32-bit") &&
			 strcmp(w[j], "non-prefetchable")) {
			snprintf(err, errlen, "unknown BAR attribute '%s'", w[j]);
			return -1;
		}
	}
	if (gen_desc_bar(d, b.index)) {
		snprintf(err, errlen, "BAR%u given twice", b.index);
		return -1;
	}
	/* Kept in BAR order whatever the file's order */
	for (i = d->num_bars; i > 0 && d->bar[i - 1].index > b.index; i--)
		d->bar[i] = d->bar[i - 1];
	d->bar[i] = b;
	d->num_bars++;
	return 0;
}

static int parse_line(char **w, int n, struct gen_desc *d, bool *have_id,
		      char *err, size_t errlen)
{
	unsigned int vid, did;
	char end;

	if (!strcmp(w[0], "id")) {
		if (n != 2 || sscanf(w[1], "%x:%x%c", &vid, &did, &end) != 2 ||
		    vid > 0xffff || did > 0xffff) {
			snprintf(err, errlen, "expected 'id VID:DID' in hex");
			return -1;
		}
		d->vendor = vid;
		d->device = did;
		*have_id = true;
		return 0;
	}
	if (!strcmp(w[0], "bar"))
		return parse_bar(w, n, d, err, errlen);
	if (!strcmp(w[0], "intx") && n == 2 &&
	    (!strcmp(w[1], "yes") || !strcmp(w[1], "no"))) {
		d->intx = !strcmp(w[1], "yes");
		return 0;
	}
	if (!strcmp(w[0], "msi") && n == 2 && !ctl_parse_u32(w[1], &d->msi))
		return 0;
	if (!strcmp(w[0], "msix") && n == 2 && !ctl_parse_u32(w[1], &d->msix))
		return 0;
	snprintf(err, errlen, "not understood (expected id, bar, intx yes|no, msi N or msix N)");
	return -1;
}

int gen_desc_read(FILE *f, struct gen_desc *d, char *err, size_t errlen)
{
	char line[256], msg[160], *w[12], *p;
	bool have_id = false;
	int lineno = 0, n;

	memset(d, 0, sizeof(*d));
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		p = strchr(line, '#');
		if (p)
			*p = '\0';
		n = 0;
		for (p = strtok(line, " \t\r\n"); p && n < 12;
		     p = strtok(NULL, " \t\r\n"))
			w[n++] = p;
		if (!n)
			continue;
		if (parse_line(w, n, d, &have_id, msg, sizeof(msg))) {
			snprintf(err, errlen, "line %d: %s", lineno, msg);
			return -1;
		}
	}
	if (!have_id) {
		snprintf(err, errlen, "no 'id VID:DID' line");
		return -1;
	}
	return 0;
}

void gen_desc_write(FILE *f, const struct gen_desc *d)
{
	const struct gen_bar *b;
	uint32_t i;

	fprintf(f, "id %04x:%04x\n", d->vendor, d->device);
	for (i = 0; i < d->num_bars; i++) {
		b = &d->bar[i];
		fprintf(f, "bar %u %s %" PRIu64, b->index, b->io ? "io" : "mem",
			b->size);
		if (!b->io)
			fprintf(f, " %s %s", b->is64 ? "64-bit" : "32-bit",
				b->prefetch ? "prefetchable" :
					      "non-prefetchable");
		fputc('\n', f);
	}
	fprintf(f, "intx %s\nmsi %u\nmsix %u\n", d->intx ? "yes" : "no",
		d->msi, d->msix);
}
