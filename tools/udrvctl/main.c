// SPDX-License-Identifier: MIT
/*
 * udrvctl - udrv's command-line tool: list devices, bind them to udrv,
 * read and write their config space and registers, watch interrupts,
 * test DMA, talk to Kernel PlugIns, follow hot-plug.
 */
#include <stdio.h>
#include <string.h>
#include "cmds.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "list", cmd_list },	{ "info", cmd_info },
	{ "bind", cmd_bind },	{ "unbind", cmd_unbind },
	{ "cfg", cmd_cfg },	{ "read", cmd_read },
	{ "write", cmd_write },	{ "dump", cmd_dump },
	{ "irq", cmd_irq },	{ "dma", cmd_dma },
	{ "kp", cmd_kp },	{ "autobind", cmd_autobind },
	{ "events", cmd_events },
	{ "log", cmd_log },
	{ "gen", cmd_gen },
};

static void usage(FILE *f)
{
	fputs("usage: udrvctl COMMAND [ARGS]   (udrvctl COMMAND --help: its options)\n"
	      "  list [-v] [-nn] [-s SLOT] [-d VID:DID] [--json]\n"
	      "                                  PCI devices; bound = usable through udrv\n"
	      "  info BDF [--json]               IDs, BARs, IRQ, capabilities of a device\n"
	      "  bind BDF                        give the device to udrv (driver_override)\n"
	      "  unbind BDF                      give it back to the driver it had before\n"
	      "  cfg BDF [--json]                hex dump of config space\n"
	      "  cfg BDF REG [VALUE] [--json]    read (or write) a register: setpci names\n"
	      "                                  (COMMAND, CAP_MSI+2, 0x3c.b), REG=VALUE too\n"
	      "  cfg BDF OFF [WIDTH [VALUE]]     read (or write) config space, WIDTH 1/2/4\n"
	      "  read BDF BAR OFF [WIDTH] [--json] read a register, WIDTH 1/2/4/8 (default 4)\n"
	      "  write BDF BAR OFF VALUE [WIDTH] write a register\n"
	      "  dump BDF BAR OFF LEN            hex dump of a BAR range\n"
	      "  irq BDF [OPTIONS]               wait for interrupts, one line per wake-up:\n"
	      "      --msi|--msix|--intx         accepted types (default: the best the device has)\n"
	      "      --status BAR:OFF            read this 32-bit register at IRQ time, print it\n"
	      "      --mask VAL                  not my interrupt unless status & VAL (shared INTx)\n"
	      "      --ack BAR:OFF:VAL           write VAL at IRQ time (acknowledge), repeatable\n"
	      "      --count N                   stop after N wake-ups (default: at Ctrl-C)\n"
	      "      --timeout MS                fail (exit 1) when a wait takes longer\n"
	      "  dma BDF [--sg] [--mask BITS]    DMA self-test on QEMU's edu: 4096 bytes RAM -> edu -> RAM\n"
	      "      --sg                        scatter-gather buffers (malloc'd, 2 pages) instead of contiguous\n"
	      "      --mask BITS                 the device's DMA mask (default 28, edu's; wider only with\n"
	      "                                  -device edu,dma_mask=..., or edu writes to other memory)\n"
	      "  kp list                         loaded Kernel PlugIns: module, version, open handles\n"
	      "  kp call NAME MSG [HEX] [--dev BDF]\n"
	      "                                  one message to a KP opened on BDF (default: the first\n"
	      "                                  bound device it accepts); HEX: the data, printed back\n"
	      "  autobind [add|del VID:DID...|clear]\n"
	      "                                  IDs udrv binds when they appear (hot-plug);\n"
	      "                                  no argument: print the list\n"
	      "  events [-d VID:DID] [--count N] [--timeout MS]\n"
	      "                                  print insert/remove events of devices udrv binds\n"
	      "  log [-f] [--level L [--areas A,B]]  udrv's debug monitor (log --help)\n"
	      "  gen NAME VID:DID [--kp] [--status BAR:OFF] [--ack BAR:OFF] [-o DIR] [--from FILE] [--force]\n"
	      "                                  write a driver project for the device (docs/gen.md)\n"
	      "BDF as lspci prints it (0000:00:03.0 or 00:03.0). Offsets, values and\n"
	      "lengths are hex, 0x optional (as setpci); BAR numbers, widths, counts\n"
	      "and milliseconds decimal.  udrvctl --version: the version.\n"
	      "Environment: UDRV_DEVICE (default /dev/udrv), UDRV_SYSFS (default /sys),\n"
	      "UDRV_RUNDIR (default /run/udrv: the drivers bind took devices from).\n"
	      "Exit status: 0 ok, 1 the operation failed, 2 usage error.\n",
	      f);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("udrvctl %s\n", UDRV_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		ctl_cmd = cmds[i].name;
		/* Commands without a text in help.c answer --help themselves. */
		if (ctl_wants_help(argc - 2, argv + 2) && ctl_help(ctl_cmd)) {
			fputs(ctl_help(ctl_cmd), stdout);
			return 0;
		}
		return cmds[i].fn(argc - 2, argv + 2);
	}
	fprintf(stderr, "udrvctl: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
