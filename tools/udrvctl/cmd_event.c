// SPDX-License-Identifier: MIT
/*
 * cmd_event.c - hot-plug from the command line: `autobind`, the list of
 * vendor:device IDs udrv binds when they appear (udrv's module parameter
 * of that name), and `events`, which prints plug-and-play events as they
 * come.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "parse.h"
#include "sysfs.h"

#define AUTOBIND_MAX 32		/* the agent's limit */

static int autobind_path(char *buf)
{
	int n = snprintf(buf, PATH_MAX, "%s/module/udrv/parameters/autobind",
			 ctl_sysfs_root());

	return n < 0 || n >= PATH_MAX ? -1 : 0;
}

/* "1234:11e8" exactly, lower-cased into out[10]; 0 or -1. */
static int parse_id(const char *s, char out[10])
{
	int i;

	if (strlen(s) != 9)
		return -1;
	for (i = 0; i < 9; i++) {
		if (i == 4 ? s[i] != ':' : !strchr("0123456789abcdefABCDEF",
						   s[i]) || !s[i])
			return -1;
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'F' ? s[i] + 32 : s[i]);
	}
	out[9] = 0;
	return 0;
}

/* The current list into ids; the count, or -1 (message printed). */
static int autobind_read(char ids[][10])
{
	char path[PATH_MAX], line[AUTOBIND_MAX * 10 + 2], *tok, *save;
	FILE *f;
	int n = 0;

	if (autobind_path(path))
		return -1;
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "udrvctl autobind: %s: %s%s\n", path,
			strerror(errno),
			errno == ENOENT ? " (is udrv loaded?)" : "");
		return -1;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	for (tok = strtok_r(line, ",\n", &save); tok && n < AUTOBIND_MAX;
	     tok = strtok_r(NULL, ",\n", &save))
		if (!parse_id(tok, ids[n]))
			n++;
	return n;
}

static int autobind_write(char ids[][10], int n)
{
	char path[PATH_MAX], line[AUTOBIND_MAX * 10 + 2] = "";
	FILE *f;
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			strcat(line, ",");
		strcat(line, ids[i]);
	}
	strcat(line, "\n");
	if (autobind_path(path))
		return 1;
	f = fopen(path, "w");
	if (!f || fputs(line, f) < 0 || fclose(f)) {
		fprintf(stderr, "udrvctl autobind: writing %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	return 0;
}

static int find(char ids[][10], int n, const char *id)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(ids[i], id))
			return i;
	return -1;
}

int cmd_autobind(int argc, char **argv)
{
	char ids[AUTOBIND_MAX][10], id[10];
	bool add;
	int n, i, at;

	if (argc > 0 && !strcmp(argv[0], "clear") && argc == 1)
		return autobind_read(ids) < 0 ? 1 : autobind_write(ids, 0);
	if (argc > 0 && strcmp(argv[0], "add") && strcmp(argv[0], "del"))
		return ctl_usage_error("autobind: '%s': give add, del or clear",
				       argv[0]);
	if (argc == 1)
		return ctl_usage_error("autobind %s: give VENDOR:DEVICE (hex, e.g. 1234:11e8)",
				       argv[0]);
	n = autobind_read(ids);
	if (n < 0)
		return 1;
	if (!argc) {
		for (i = 0; i < n; i++)
			printf("%s\n", ids[i]);
		return 0;
	}
	add = !strcmp(argv[0], "add");
	for (i = 1; i < argc; i++) {
		if (parse_id(argv[i], id))
			return ctl_usage_error("autobind: '%s' is not VENDOR:DEVICE in hex (e.g. 1234:11e8)",
					       argv[i]);
		at = find(ids, n, id);
		if (add && at < 0) {
			if (n == AUTOBIND_MAX) {
				fprintf(stderr, "udrvctl autobind: the list is full (%d IDs)\n",
					AUTOBIND_MAX);
				return 1;
			}
			memcpy(ids[n++], id, sizeof(id));
		} else if (!add && at < 0) {
			fprintf(stderr, "udrvctl autobind del: %s is not in the list\n",
				id);
			return 1;
		} else if (!add) {
			memmove(ids[at], ids[at + 1],
				(size_t)(n - at - 1) * sizeof(ids[0]));
			n--;
		}
	}
	return autobind_write(ids, n);
}

static int parse_vd(const char *s, WD_PCI_ID *id)
{
	char buf[10];

	if (parse_id(s, buf))
		return -1;
	id->vendor = (uint16_t)strtoul(buf, NULL, 16);
	id->device = (uint16_t)strtoul(buf + 5, NULL, 16);
	return 0;
}

int cmd_events(int argc, char **argv)
{
	WD_PCI_ID id = { 0, 0 };
	uint32_t count = 0, timeout = 0, got = 0, h, action;
	WD_PCI_SLOT slot;
	char bdf[CTL_BDF_LEN];
	int i, hwd, ret = 0;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			if (parse_vd(argv[++i], &id))
				return ctl_usage_error("events: -d '%s': give VENDOR:DEVICE in hex",
						       argv[i]);
		} else if (!strcmp(argv[i], "--count") && i + 1 < argc) {
			if (ctl_parse_u32(argv[++i], &count) || !count)
				return ctl_usage_error("events: --count '%s': give a number > 0",
						       argv[i]);
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			if (ctl_parse_u32(argv[++i], &timeout) || !timeout)
				return ctl_usage_error("events: --timeout '%s': give milliseconds > 0",
						       argv[i]);
		} else if (i + 1 == argc && (!strcmp(argv[i], "-d") ||
					     !strcmp(argv[i], "--count") ||
					     !strcmp(argv[i], "--timeout"))) {
			return ctl_usage_error("events: %s needs a value",
					       argv[i]);
		} else {
			return ctl_usage_error("events: unexpected '%s'",
					       argv[i]);
		}
	}
	if (WD_Open(&hwd))
		return ctl_lib_error("events");
	if (WD_EventRegisterId(hwd, id, WD_INSERT | WD_REMOVE, &h)) {
		WD_Close(hwd);
		return ctl_lib_error("events");
	}
	/* Line-buffered: a script reads each event as it comes. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!count || got < count) {
		if (WD_EventPull(hwd, h, &action, &slot, timeout)) {
			ret = ctl_lib_error("events");
			break;
		}
		printf("%s %s\n", action == WD_INSERT ? "insert" : "remove",
		       ctl_fmt_bdf(slot, bdf));
		got++;
	}
	WD_EventUnregister(hwd, h);
	WD_Close(hwd);
	return ret;
}
