// SPDX-License-Identifier: MIT
/*
 * cmd_log.c - `udrvctl log`: udrv's debug monitor (docs/debug-monitor.md).
 * Without options it prints what the ring holds; --level/--areas set what
 * the agent logs; -f follows like `dmesg -w`, until Ctrl-C.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "log_args.h"

#define LOG_BUF (64 * UDRV_DEBUG_LINE_MAX)

static void log_usage(FILE *f)
{
	fputs("usage: udrvctl log [-f] [--level L [--areas A,B]]\n"
	      "  (none)        print the lines udrv's ring holds, and the setting\n"
	      "  --level L     set the level: off, error, warn, info, trace\n"
	      "  --areas A,B   and the areas: io, mem, int, pci, dma, kp, event, misc\n"
	      "                or all (default with --level: all)\n"
	      "  -f            then follow: print lines as they come, until Ctrl-C\n"
	      "Needs root (CAP_SYS_ADMIN): the lines show every process's activity.\n",
	      f);
}

static int log_print(int hwd, bool follow)
{
	char *buf = malloc(LOG_BUF);
	size_t got;
	uint32_t st;

	if (!buf) {
		fprintf(stderr, "udrvctl log: out of memory\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	do {
		st = follow ? WD_DebugDumpWait(hwd, buf, LOG_BUF, &got, 0) :
			      WD_DebugDump(hwd, buf, LOG_BUF, &got);
		if (st) {
			free(buf);
			return ctl_lib_error("log");
		}
		fwrite(buf, 1, got, stdout);
	} while (follow || got);
	free(buf);
	return 0;
}

int cmd_log(int argc, char **argv)
{
	uint32_t level = 0, areas = S_ALL, old_level, old_areas;
	bool follow = false, set = false, have_areas = false;
	char was[128], now[128];
	int i, hwd, ret;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			log_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-f") ||
			   !strcmp(argv[i], "--follow")) {
			follow = true;
		} else if (!strcmp(argv[i], "--level") && i + 1 < argc) {
			if (ctl_log_level(argv[++i], &level))
				return ctl_usage_error("log: --level '%s': give off, error, warn, info or trace",
						       argv[i]);
			set = true;
		} else if (!strcmp(argv[i], "--areas") && i + 1 < argc) {
			if (ctl_log_areas(argv[++i], &areas))
				return ctl_usage_error("log: --areas '%s': give names from io,mem,int,pci,dma,kp,event,misc, or all",
						       argv[i]);
			have_areas = true;
		} else {
			return ctl_usage_error("log: unexpected '%s' (udrvctl log --help)",
					       argv[i]);
		}
	}
	if (have_areas && !set)
		return ctl_usage_error("log: --areas goes with --level");
	if (WD_Open(&hwd))
		return ctl_lib_error("log");
	if (set) {
		if (WD_DebugGet(hwd, &old_level, &old_areas) ||
		    WD_DebugSet(hwd, level, areas)) {
			WD_Close(hwd);
			return ctl_lib_error("log");
		}
		printf("udrv debug monitor: %s (was %s)\n",
		       ctl_log_setting(level, areas, now, sizeof(now)),
		       ctl_log_setting(old_level, old_areas, was, sizeof(was)));
		ret = follow ? log_print(hwd, true) : 0;
	} else {
		if (WD_DebugGet(hwd, &old_level, &old_areas)) {
			WD_Close(hwd);
			return ctl_lib_error("log");
		}
		if (!follow)
			fprintf(stderr, "udrv debug monitor: %s\n",
				ctl_log_setting(old_level, old_areas, now,
						sizeof(now)));
		ret = log_print(hwd, follow);
	}
	WD_Close(hwd);
	return ret;
}
