// SPDX-License-Identifier: MIT
/*
 * log_args.c - the level and area names of `udrvctl log`.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <udrv/wd.h>
#include "log_args.h"

static const char *const levels[] = { "off", "error", "warn", "info",
				      "trace" };
static const struct {
	const char *name;
	uint32_t bit;
} areas_tab[] = {
	{ "io", S_IO }, { "mem", S_MEM }, { "int", S_INT }, { "pci", S_PCI },
	{ "dma", S_DMA }, { "kp", S_KER_PLUG }, { "event", S_EVENT },
	{ "misc", S_MISC },
};
#define N_AREAS (sizeof(areas_tab) / sizeof(areas_tab[0]))

int ctl_log_level(const char *s, uint32_t *level)
{
	uint32_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		if (!strcasecmp(s, levels[i])) {
			*level = i;
			return 0;
		}
	}
	return -1;
}

int ctl_log_areas(const char *s, uint32_t *areas)
{
	uint32_t bits = 0;
	const char *p = s;
	size_t i, n;

	if (!strcasecmp(s, "all")) {
		*areas = S_ALL;
		return 0;
	}
	while (*p) {
		n = strcspn(p, ",");
		for (i = 0; i < N_AREAS; i++)
			if (strlen(areas_tab[i].name) == n &&
			    !strncasecmp(p, areas_tab[i].name, n))
				break;
		if (i == N_AREAS)
			return -1;
		bits |= areas_tab[i].bit;
		p += n;
		if (*p == ',' && !*++p)
			return -1;	/* a trailing comma */
	}
	if (!bits)
		return -1;
	*areas = bits;
	return 0;
}

const char *ctl_log_setting(uint32_t level, uint32_t areas, char *buf,
			    size_t len)
{
	size_t i, at;

	if (!level || !areas || level >= sizeof(levels) / sizeof(levels[0])) {
		snprintf(buf, len, "off");
		return buf;
	}
	at = (size_t)snprintf(buf, len, "%s ", levels[level]);
	for (i = 0; i < N_AREAS && at < len; i++)
		if (areas & areas_tab[i].bit)
			at += (size_t)snprintf(buf + at, len - at, "%s,",
					       areas_tab[i].name);
	if (at && at <= len)
		buf[at - 1] = 0;	/* the last comma */
	return buf;
}
