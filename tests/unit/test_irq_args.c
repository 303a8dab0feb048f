// SPDX-License-Identifier: MIT
/* udrvctl irq: option parsing and the IRQ-time command list it builds. */
#include <stdlib.h>
#include "tap.h"
#include "../../tools/udrvctl/irq_args.h"

static char err[256];

/* Parses a blank-separated command line (no quoting needed here). */
static int parse(const char *line, struct ctl_irq_args *a)
{
	char buf[512], *argv[64], *tok, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok_r(buf, " ", &save); tok && argc < 64;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	err[0] = 0;
	return ctl_irq_parse(argc, argv, a, err, sizeof(err));
}

static void bad(const char *line, const char *needle)
{
	struct ctl_irq_args a;

	ok(parse(line, &a) == -1 && strstr(err, needle),
	   "'%s' is rejected: %s", line, err);
}

static void test_good(void)
{
	struct ctl_irq_args a;
	WD_TRANSFER c[UDRV_MAX_INT_CMDS];
	uint32_t n;

	ok(!parse("00:03.0", &a) && a.slot.slot == 3 && !a.types &&
	   !a.count && !a.timeout_ms && !a.have_status && !a.num_ack,
	   "BDF alone: any type, no commands, until a signal, no timeout");
	n = ctl_irq_cmds(&a, c);
	ok(n == 0 && ctl_irq_options(&a) == 0, "... no commands, options 0");

	ok(!parse("0000:00:01.0 --msi --count 3 --timeout 500", &a) &&
	   a.slot.slot == 1 && a.types == INTERRUPT_MESSAGE && a.count == 3 &&
	   a.timeout_ms == 500, "--msi --count 3 --timeout 500");
	ok(!parse("00:01.0 --msix --intx", &a) &&
	   a.types == (INTERRUPT_MESSAGE_X | INTERRUPT_LEVEL_SENSITIVE),
	   "several types accumulate");
	ok(!parse("--count=0x10 00:01.0 --timeout=2000", &a) &&
	   a.count == 16 && a.timeout_ms == 2000 && a.slot.slot == 1,
	   "--opt=VALUE forms, hex, BDF anywhere");

	ok(!parse("00:01.0 --intx --status 0:0x24 --mask 0xffffffff --ack 0:0x64:0xffffffff --ack 1:8:7",
		  &a), "the edu INTx recipe, plus a second --ack");
	n = ctl_irq_cmds(&a, c);
	ok(n == 4, "... 4 commands");
	ok(c[0].cmd == RM_DWORD && c[0].bar == 0 && c[0].addr == 0x24,
	   "... 1st: RM_DWORD BAR0 0x24 (status)");
	ok(c[1].cmd == CMD_MASK && c[1].data.qw == 0xffffffff,
	   "... 2nd: CMD_MASK 0xffffffff");
	ok(c[2].cmd == WM_DWORD && c[2].bar == 0 && c[2].addr == 0x64 &&
	   c[2].data.qw == 0xffffffff, "... 3rd: WM_DWORD BAR0 0x64 = 0xffffffff");
	ok(c[3].cmd == WM_DWORD && c[3].bar == 1 && c[3].addr == 8 &&
	   c[3].data.qw == 7, "... 4th: WM_DWORD BAR1 0x8 = 7, in order");
	ok(ctl_irq_options(&a) ==
	   (INTERRUPT_LEVEL_SENSITIVE | INTERRUPT_CMD_COPY),
	   "... options: INTx | INTERRUPT_CMD_COPY (the status is printed)");

	/* Offsets and values are hex without 0x too, as setpci's. */
	ok(!parse("00:01.0 --status 1:10 --mask ff --ack 0:64:10", &a) &&
	   a.status.bar == 1 && a.status.off == 0x10 && a.mask == 0xff &&
	   a.ack[0].off == 0x64 && a.ack[0].val == 0x10,
	   "--status 1:10 --mask ff --ack 0:64:10 are hex (0x10, 0xff, 0x64, 0x10)");
	ok(!parse("00:01.0 --count 10 --timeout 100", &a) && a.count == 10 &&
	   a.timeout_ms == 100, "--count and --timeout stay decimal");
	ok(!parse("00:01.0 --ack 0:0x64:1", &a) && ctl_irq_cmds(&a, c) == 1 &&
	   c[0].cmd == WM_DWORD && ctl_irq_options(&a) == 0,
	   "--ack alone: one write, no CMD_COPY");
	ok(!parse("00:01.0 --status 2:0", &a) && ctl_irq_cmds(&a, c) == 1 &&
	   c[0].bar == 2 && ctl_irq_options(&a) == INTERRUPT_CMD_COPY,
	   "--status alone: one read with CMD_COPY");
}

static void test_max_ack(void)
{
	struct ctl_irq_args a;
	WD_TRANSFER c[UDRV_MAX_INT_CMDS];
	char line[512];
	size_t len;
	int i;

	len = (size_t)snprintf(line, sizeof(line),
			       "00:01.0 --status 0:0 --mask 1");
	for (i = 0; i < CTL_IRQ_MAX_ACK; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len,
					" --ack 0:%x:%x", 4 * i, i);
	ok(!parse(line, &a) && a.num_ack == CTL_IRQ_MAX_ACK &&
	   ctl_irq_cmds(&a, c) == UDRV_MAX_INT_CMDS &&
	   c[UDRV_MAX_INT_CMDS - 1].addr == 4 * (CTL_IRQ_MAX_ACK - 1),
	   "status, mask and %d --ack fill the %d commands the kernel takes",
	   CTL_IRQ_MAX_ACK, UDRV_MAX_INT_CMDS);
	snprintf(line + len, sizeof(line) - len, " --ack 0:0:0");
	ok(parse(line, &a) == -1 && strstr(err, "at most 14 --ack"),
	   "one more --ack is rejected: %s", err);
}

int main(void)
{
	test_good();
	test_max_ack();
	bad("", "expected BDF");
	bad("--msi", "expected BDF");
	bad("00:01.0 00:02.0", "one BDF only");
	bad("00:1g.0", "is not a PCI address");
	bad("00:01.0 --msi=1", "--msi takes no value");
	bad("00:01.0 --bogus", "unknown option '--bogus'");
	bad("00:01.0 --counts 3", "unknown option");
	bad("00:01.0 --count", "--count needs a value");
	bad("00:01.0 --count 0", "at least 1");
	bad("00:01.0 --count -1", "not a 32-bit number");
	bad("00:01.0 --timeout 1s", "not a 32-bit number");
	bad("00:01.0 --timeout 0x100000000", "not a 32-bit number");
	bad("00:01.0 --mask 1", "--mask needs --status");
	bad("00:01.0 --status 0:0 --mask 0", "would reject every interrupt");
	bad("00:01.0 --status 0:0 --mask 1 --mask 2", "--mask given twice");
	bad("00:01.0 --status 0:0 --status 0:4", "--status given twice");
	bad("00:01.0 --status 0", "is not BAR:OFF");
	bad("00:01.0 --status 0:4:1", "is not BAR:OFF");
	bad("00:01.0 --status 6:0", "BAR '6' must be 0-5");
	bad("00:01.0 --status 0:0x22", "not a multiple of 4");
	bad("00:01.0 --status 0:zz", "offset 'zz' is not a number");
	bad("00:01.0 --ack 0:0x64", "is not BAR:OFF:VAL");
	bad("00:01.0 --ack 0:0x64:1:2", "is not BAR:OFF:VAL");
	bad("00:01.0 --ack 0:0x64:", "value '' is not a 32-bit hex number");
	bad("00:01.0 --ack 0:0x64:0x100000000", "not a 32-bit hex number");
	bad("00:01.0 --ack 0:64:100000000", "not a 32-bit hex number");
	bad("00:01.0 --ack ::", "BAR '' must be 0-5");
	return tap_done();
}
