// SPDX-License-Identifier: MIT
/*
 * cmd_gen.c - udrvctl gen NAME VID:DID: writes a driver project for that
 * device (library, diagnostic program, Makefile, README; with --kp a
 * Kernel PlugIn) from what the agent reports of it, or from a description
 * file (--from, the NAME.desc of an earlier project).  The files come
 * from the templates in gen/ (gen_project.c); this file gathers the facts.
 */
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "gen.h"
#include "parse.h"

static bool valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (!n || n > GEN_NAME_MAX || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static int parse_id(const char *s, uint16_t *vid, uint16_t *did)
{
	unsigned int v, d;
	char end;

	if (sscanf(s, "%x:%x%c", &v, &d, &end) != 2 || v > 0xffff ||
	    d > 0xffff)
		return -1;
	*vid = v;
	*did = d;
	return 0;
}

static int parse_reg(const char *s, struct gen_reg *r)
{
	char buf[64], *colon;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	colon = strchr(buf, ':');
	if (!colon)
		return -1;
	*colon = '\0';
	if (ctl_parse_u32(buf, &r->bar) || ctl_parse_hex32(colon + 1, &r->off))
		return -1;
	r->set = true;
	return 0;
}

/* A register the generated code will access: it must exist. */
static int check_reg(const char *opt, const struct gen_reg *r,
		     const struct gen_desc *d)
{
	const struct gen_bar *b;

	if (!r->set)
		return 0;
	b = gen_desc_bar(d, r->bar);
	if (!b)
		return ctl_usage_error("gen: %s: the device has no BAR%u", opt,
				       r->bar);
	if (r->off % 4 || (uint64_t)r->off + 4 > b->size)
		return ctl_usage_error("gen: %s: offset 0x%x is not a 32-bit register of BAR%u (%llu bytes, 4-byte aligned)",
				       opt, r->off, r->bar,
				       (unsigned long long)b->size);
	return 0;
}

/* What the agent reports of the first VID:DID device. */
static int desc_from_agent(uint16_t vid, uint16_t did, struct gen_desc *d)
{
	WDC_PCI_SCAN_RESULT *scan = malloc(sizeof(*scan));
	WD_PCI_CARD_INFO info;
	int ret = 1;

	if (!scan) {
		fprintf(stderr, "udrvctl gen: out of memory\n");
		return 1;
	}
	if (ctl_open_lib("gen"))
		goto out;
	if (WDC_PciScanDevices(vid, did, scan)) {
		ctl_lib_error("gen");
	} else if (!scan->count) {
		fprintf(stderr, "udrvctl gen: no %04x:%04x device found\n",
			vid, did);
	} else {
		memset(&info, 0, sizeof(info));
		info.slot = scan->slot[0];
		if (WDC_PciGetDeviceInfo(&info))
			ctl_lib_error("gen");
		else
			ret = 0;
	}
	if (!ret)
		gen_desc_from_info(&info, d);
	WDC_DriverClose();
out:
	free(scan);
	return ret;
}

static int desc_from_file(const char *path, struct gen_desc *d)
{
	char err[200];
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		perror(path);
		return 1;
	}
	rc = gen_desc_read(f, d, err, sizeof(err));
	fclose(f);
	if (rc) {
		fprintf(stderr, "udrvctl gen: %s: %s\n", path, err);
		return 1;
	}
	return 0;
}

/* The command line, as the README quotes it. */
static char *join_args(int argc, char **argv)
{
	size_t len = sizeof("udrvctl gen");
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = malloc(len);
	if (!s)
		return NULL;
	strcpy(s, "udrvctl gen");
	for (i = 0; i < argc; i++) {
		strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int cmd_gen(int argc, char **argv)
{
	const char *dir = NULL, *from = NULL, *pos[2];
	struct gen_opts o;
	struct gen_desc d;
	uint16_t vid, did;
	bool force = false;
	char err[256], *cmdline;
	int i, npos = 0, ret;

	memset(&o, 0, sizeof(o));
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];
		bool has_val = i + 1 < argc;

		if (!strcmp(a, "--kp")) {
			o.kp = true;
		} else if (!strcmp(a, "--force")) {
			force = true;
		} else if (!strcmp(a, "-o") && has_val) {
			dir = argv[++i];
		} else if (!strcmp(a, "--from") && has_val) {
			from = argv[++i];
		} else if (!strcmp(a, "--status") && has_val) {
			if (parse_reg(argv[++i], &o.status))
				return ctl_usage_error("gen: --status wants BAR:OFF, not '%s'",
						       argv[i]);
		} else if (!strcmp(a, "--ack") && has_val) {
			if (parse_reg(argv[++i], &o.ack))
				return ctl_usage_error("gen: --ack wants BAR:OFF, not '%s'",
						       argv[i]);
		} else if (a[0] == '-') {
			return ctl_usage_error("gen: unknown option or missing value: '%s'",
					       a);
		} else if (npos < 2) {
			pos[npos++] = a;
		} else {
			return ctl_usage_error("gen: unexpected argument '%s'", a);
		}
	}
	if (npos != 2)
		return ctl_usage_error("gen: expected NAME VID:DID");
	if (!valid_name(pos[0]))
		return ctl_usage_error("gen: NAME '%s' must be a lower-case C identifier of at most %d characters ([a-z][a-z0-9_]*)",
				       pos[0], GEN_NAME_MAX);
	if (parse_id(pos[1], &vid, &did))
		return ctl_usage_error("gen: '%s' is not VID:DID in hex (1234:11e8)",
				       pos[1]);
	o.name = pos[0];
	ret = from ? desc_from_file(from, &d) : desc_from_agent(vid, did, &d);
	if (ret)
		return ret;
	if (d.vendor != vid || d.device != did) {
		fprintf(stderr, "udrvctl gen: %s describes %04x:%04x, not %04x:%04x\n",
			from, d.vendor, d.device, vid, did);
		return 1;
	}
	ret = check_reg("--status", &o.status, &d);
	if (!ret)
		ret = check_reg("--ack", &o.ack, &d);
	if (ret)
		return ret;
	if (o.status.set && !o.ack.set)
		return ctl_usage_error("gen: --status without --ack: an interrupt nothing acknowledges cannot be handled");
	cmdline = join_args(argc, argv);
	if (!cmdline) {
		fprintf(stderr, "udrvctl gen: out of memory\n");
		return 1;
	}
	o.cmdline = cmdline;
	if (!dir)
		dir = o.name;
	ret = gen_project(dir, &d, &o, force, err, sizeof(err));
	free(cmdline);
	if (ret) {
		fprintf(stderr, "udrvctl gen: %s\n", err);
		return 1;
	}
	printf("udrvctl gen: wrote %s for %04x:%04x in %s\n", o.name, vid, did,
	       dir);
	return 0;
}
