// SPDX-License-Identifier: MIT
/*
 * help.c - `udrvctl COMMAND --help`: each command's usage, on stdout with
 * exit status 0; the same text the man page (udrvctl.1) expands on.
 */
#include <string.h>
#include "cmds.h"

static const struct {
	const char *cmd, *text;
} help[] = {
	{ "list",
	  "usage: udrvctl list [-v] [-nn] [-s SLOT] [-d VENDOR:DEVICE] [--json]\n"
	  "Every PCI device, one line each: BDF VENDOR:DEVICE STATE DRIVER\n"
	  "(STATE: bound = usable through udrv, - = not; DRIVER: its kernel driver).\n"
	  "  -v              also class, subsystem, BARs, IRQ, MSI/MSI-X\n"
	  "  -nn             lspci -nn style: class name [code], [vendor:device], revision\n"
	  "  -s SLOT         only [[DOMAIN:]BUS:][DEV][.FN], as lspci -s (empty or * = any)\n"
	  "  -d VEN:DEV      only these IDs, as lspci -d (hex; empty or * = any)\n"
	  "  --json          a JSON array of objects instead\n" },
	{ "info",
	  "usage: udrvctl info BDF [--json]\n"
	  "IDs, class, driver, BARs, IRQ and the capabilities decoded: MSI and\n"
	  "MSI-X vectors, the PCIe link's speed and width, power management.\n"
	  "  --json          one JSON object instead\n" },
	{ "bind",
	  "usage: udrvctl bind BDF\n"
	  "Give the device to udrv (driver_override, unbind from its driver,\n"
	  "drivers_probe).  The driver it had is noted ($UDRV_RUNDIR, default\n"
	  "/run/udrv) for unbind.\n" },
	{ "unbind",
	  "usage: udrvctl unbind BDF\n"
	  "Take the device from udrv: clear driver_override and probe it again, so\n"
	  "that the driver it had before bind gets it back (like driverctl\n"
	  "unset-override); a device that had none stays driverless.\n" },
	{ "cfg",
	  "usage: udrvctl cfg BDF [--json]                  hex dump of config space\n"
	  "       udrvctl cfg BDF REG [VALUE] [--json]      read (or write) a register\n"
	  "       udrvctl cfg BDF REG=VALUE                 write, as setpci does\n"
	  "       udrvctl cfg BDF OFF [WIDTH [VALUE]]       the same by offset, WIDTH 1/2/4\n"
	  "REG: a number, or a name as setpci(8) takes it, with its width: VENDOR_ID,\n"
	  "DEVICE_ID, COMMAND, STATUS, REVISION, CLASS_PROG, CLASS_DEVICE,\n"
	  "CACHE_LINE_SIZE, LATENCY_TIMER, HEADER_TYPE, BIST, BASE_ADDRESS_0..5,\n"
	  "CARDBUS_CIS, SUBSYSTEM_VENDOR_ID, SUBSYSTEM_ID, ROM_ADDRESS,\n"
	  "CAPABILITY_LIST, INTERRUPT_LINE, INTERRUPT_PIN, MIN_GNT, MAX_LAT (bridges:\n"
	  "PRIMARY_BUS, SECONDARY_BUS, ..., BRIDGE_CONTROL); or a capability found in\n"
	  "the device's list: CAP_PM, CAP_MSI, CAP_EXP, CAP_MSIX, CAP_VNDR, ...,\n"
	  "ECAP_AER, ECAP_DSN, ... (16 bits unless a suffix says otherwise).\n"
	  "Then optionally +OFF (hex, 0x optional) and a width suffix .B, .W or .L:\n"
	  "  udrvctl cfg 00:03.0 COMMAND          udrvctl cfg 00:03.0 CAP_MSI+2\n"
	  "  udrvctl cfg 00:03.0 0x3c.b           udrvctl cfg 00:03.0 COMMAND=0x6\n"
	  "Writes need the device bound to udrv.\n" },
	{ "read",
	  "usage: udrvctl read BDF BAR OFF [WIDTH] [--json]\n"
	  "Read one register of a BAR; WIDTH 1, 2, 4 or 8 bytes (default 4).\n" },
	{ "write",
	  "usage: udrvctl write BDF BAR OFF VALUE [WIDTH]\n"
	  "Write one register of a BAR; WIDTH 1, 2, 4 or 8 bytes (default 4).\n" },
	{ "dump",
	  "usage: udrvctl dump BDF BAR OFF LEN\n"
	  "Hex dump of LEN bytes of a BAR from OFF: the offset, then 16 bytes a line\n"
	  "as 32-bit little-endian words (bytes when OFF or LEN is not a multiple\n"
	  "of 4).\n" },
	{ "irq",
	  "usage: udrvctl irq BDF [--msi|--msix|--intx] [--status BAR:OFF [--mask VAL]]\n"
	  "                   [--ack BAR:OFF:VAL]... [--count N] [--timeout MS]\n"
	  "Enable the device's interrupts and print one line per wake-up:\n"
	  "  SECONDS.MICROS count=TOTAL vector=LAST lost=LOST [status=0x...]\n"
	  "  --msi|--msix|--intx  accepted types (default: the best the device has)\n"
	  "  --status BAR:OFF     read this 32-bit register at IRQ time, print it\n"
	  "  --mask VAL           not my interrupt unless status & VAL (shared INTx)\n"
	  "  --ack BAR:OFF:VAL    write VAL at IRQ time (acknowledge), repeatable\n"
	  "  --count N            stop after N wake-ups (default: at Ctrl-C)\n"
	  "  --timeout MS         fail (exit 1) when a wait takes longer\n" },
	{ "dma",
	  "usage: udrvctl dma BDF [--sg] [--mask BITS]\n"
	  "DMA self-test on QEMU's edu: 4096 bytes RAM -> edu -> RAM, compared.\n"
	  "  --sg          scatter-gather buffers (malloc'd, 2 pages), not contiguous\n"
	  "  --mask BITS   the device's DMA mask (default 28, edu's)\n" },
	{ "kp",
	  "usage: udrvctl kp list\n"
	  "       udrvctl kp call NAME MSG [HEX] [--dev BDF]\n"
	  "list: the loaded Kernel PlugIns (module, version, open handles).\n"
	  "call: one message MSG to Kernel PlugIn NAME opened on BDF (default: the\n"
	  "first bound device it accepts); HEX: the data (like 0a0b0c0d), printed\n"
	  "back after the result.\n" },
	{ "autobind",
	  "usage: udrvctl autobind [add VEN:DEV...|del VEN:DEV...|clear]\n"
	  "The IDs udrv binds when they appear (hot-plug); no argument: the list.\n" },
	{ "events",
	  "usage: udrvctl events [-d VEN:DEV] [--count N] [--timeout MS]\n"
	  "Print insert/remove events of the devices udrv binds, one a line.\n" },
};

const char *ctl_cmd = "";

const char *ctl_help(const char *cmd)
{
	size_t i;

	for (i = 0; i < sizeof(help) / sizeof(help[0]); i++)
		if (!strcmp(cmd, help[i].cmd))
			return help[i].text;
	return NULL;
}

bool ctl_wants_help(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	return false;
}

bool ctl_take_flag(int *argc, char **argv, const char *a, const char *b)
{
	bool found = false;
	int i, k;

	for (i = k = 0; i < *argc; i++) {
		if (!strcmp(argv[i], a) || (b && !strcmp(argv[i], b)))
			found = true;
		else
			argv[k++] = argv[i];
	}
	*argc = k;
	return found;
}
