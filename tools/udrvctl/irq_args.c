// SPDX-License-Identifier: MIT
/*
 * irq_args.c - parsing of `udrvctl irq` options, strict like the rest of
 * udrvctl: a typo is an error, never a write to the wrong register at
 * interrupt time.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "irq_args.h"
#include "parse.h"

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* "BAR:OFF" (want 2 fields) or "BAR:OFF:VAL" (3); 0 or -1. */
static int parse_reg(const char *opt, const char *s, int want,
		     struct ctl_irq_reg *r, char *err, size_t len)
{
	const char *form = want == 2 ? "BAR:OFF" : "BAR:OFF:VAL";
	char buf[64], *f[3], *p;
	int n = 0;

	if (strlen(s) >= sizeof(buf))
		return fail(err, len, "%s '%s' is too long", opt, s);
	strcpy(buf, s);
	for (p = buf;; *p++ = 0) {
		if (n == 3)
			return fail(err, len, "%s '%s' is not %s", opt, s,
				    form);
		f[n++] = p;
		p = strchr(p, ':');
		if (!p)
			break;
	}
	if (n != want)
		return fail(err, len, "%s '%s' is not %s", opt, s, form);
	if (ctl_parse_u32(f[0], &r->bar) || r->bar >= UDRV_MAX_BARS)
		return fail(err, len, "%s '%s': BAR '%s' must be 0-5", opt, s,
			    f[0]);
	if (ctl_parse_hex64(f[1], &r->off))
		return fail(err, len, "%s '%s': offset '%s' is not a number (hex)",
			    opt, s, f[1]);
	if (r->off & 3)
		return fail(err, len, "%s '%s': offset 0x%llx is not a multiple of 4 (32-bit registers)",
			    opt, s, (unsigned long long)r->off);
	r->val = 0;
	if (want == 3 && ctl_parse_hex32(f[2], &r->val))
		return fail(err, len, "%s '%s': value '%s' is not a 32-bit hex number",
			    opt, s, f[2]);
	return 0;
}

static int parse_num(const char *opt, const char *s, uint32_t *v, char *err,
		     size_t len)
{
	if (ctl_parse_u32(s, v))
		return fail(err, len, "%s '%s' is not a 32-bit number (decimal or 0x-hex)",
			    opt, s);
	return 0;
}

/* A register value (--mask): hex, as the other register values. */
static int parse_hex(const char *opt, const char *s, uint32_t *v, char *err,
		     size_t len)
{
	if (ctl_parse_hex32(s, v))
		return fail(err, len, "%s '%s' is not a 32-bit hex number", opt, s);
	return 0;
}

/* Options that take a value; the value is argv[i + 1] or after '='. */
static const char *const valued[] = {
	"--ack", "--status", "--mask", "--count", "--timeout",
};

int ctl_irq_parse(int argc, char **argv, struct ctl_irq_args *a, char *err,
		  size_t len)
{
	bool have_bdf = false;
	const char *bdf = NULL;
	int i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < argc; i++) {
		const char *arg = argv[i], *val = NULL, *eq;
		char opt[16];
		size_t k, n;

		if (strncmp(arg, "--", 2)) {
			if (have_bdf)
				return fail(err, len, "unexpected argument '%s' (one BDF only)",
					    arg);
			have_bdf = true;
			bdf = arg;
			continue;
		}
		eq = strchr(arg, '=');
		n = eq ? (size_t)(eq - arg) : strlen(arg);
		if (n >= sizeof(opt))
			return fail(err, len, "unknown option '%s'", arg);
		memcpy(opt, arg, n);
		opt[n] = 0;
		for (k = 0; k < sizeof(valued) / sizeof(valued[0]); k++)
			if (!strcmp(opt, valued[k]))
				break;
		if (k < sizeof(valued) / sizeof(valued[0])) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return fail(err, len, "%s needs a value", opt);
		} else if (eq) {
			return fail(err, len, "%s takes no value", opt);
		}

		if (!strcmp(opt, "--msi")) {
			a->types |= INTERRUPT_MESSAGE;
		} else if (!strcmp(opt, "--msix")) {
			a->types |= INTERRUPT_MESSAGE_X;
		} else if (!strcmp(opt, "--intx")) {
			a->types |= INTERRUPT_LEVEL_SENSITIVE;
		} else if (!strcmp(opt, "--ack")) {
			if (a->num_ack == CTL_IRQ_MAX_ACK)
				return fail(err, len, "at most %u --ack", CTL_IRQ_MAX_ACK);
			if (parse_reg(opt, val, 3, &a->ack[a->num_ack], err, len))
				return -1;
			a->num_ack++;
		} else if (!strcmp(opt, "--status")) {
			if (a->have_status)
				return fail(err, len, "--status given twice");
			if (parse_reg(opt, val, 2, &a->status, err, len))
				return -1;
			a->have_status = true;
		} else if (!strcmp(opt, "--mask")) {
			if (a->have_mask)
				return fail(err, len, "--mask given twice");
			if (parse_hex(opt, val, &a->mask, err, len))
				return -1;
			if (!a->mask)
				return fail(err, len, "--mask 0 would reject every interrupt");
			a->have_mask = true;
		} else if (!strcmp(opt, "--count")) {
			if (parse_num(opt, val, &a->count, err, len))
				return -1;
			if (!a->count)
				return fail(err, len, "--count must be at least 1");
		} else if (!strcmp(opt, "--timeout")) {
			if (parse_num(opt, val, &a->timeout_ms, err, len))
				return -1;
		} else {
			return fail(err, len, "unknown option '%s'", arg);
		}
	}
	if (!have_bdf)
		return fail(err, len, "expected BDF [--msi|--msix|--intx] [--status BAR:OFF [--mask VAL]] [--ack BAR:OFF:VAL]... [--count N] [--timeout MS]");
	if (ctl_parse_bdf(bdf, &a->slot))
		return fail(err, len, "'%s' is not a PCI address like 0000:00:03.0 or 00:03.0",
			    bdf);
	if (a->have_mask && !a->have_status)
		return fail(err, len, "--mask needs --status (it masks the status read)");
	return 0;
}

uint32_t ctl_irq_cmds(const struct ctl_irq_args *a, WD_TRANSFER *cmds)
{
	uint32_t n = 0, i;

	memset(cmds, 0, UDRV_MAX_INT_CMDS * sizeof(*cmds));
	if (a->have_status) {
		cmds[n].cmd = RM_DWORD;
		cmds[n].bar = a->status.bar;
		cmds[n].addr = a->status.off;
		n++;
	}
	if (a->have_mask) {
		cmds[n].cmd = CMD_MASK;
		cmds[n].data.qw = a->mask;
		n++;
	}
	for (i = 0; i < a->num_ack; i++, n++) {
		cmds[n].cmd = WM_DWORD;
		cmds[n].bar = a->ack[i].bar;
		cmds[n].addr = a->ack[i].off;
		cmds[n].data.qw = a->ack[i].val;
	}
	return n;
}

uint32_t ctl_irq_options(const struct ctl_irq_args *a)
{
	return a->types | (a->have_status ? INTERRUPT_CMD_COPY : 0);
}
