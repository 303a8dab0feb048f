// SPDX-License-Identifier: MIT
/*
 * t_bridge: a PCI-to-PCI bridge bound to udrv (QEMU's pci-bridge, 1b36:0001)
 * routes other devices' traffic: its bus numbers, windows, expansion ROM
 * BAR and bridge control (secondary bus reset) belong to the kernel, and a
 * config write there is refused with WD_ACCESS_DENIED even for the owner.
 * Each refused write writes back the value read, so the agent that used to
 * pass it changed nothing.  A register of no consequence still passes.
 */
#include <string.h>

#include "common/tap.h"

#define BRIDGE_VENDOR	0x1b36
#define BRIDGE_DEVICE	0x0001

int main(void)
{
	static const struct { uint32_t off, len; const char *name; } regs[] = {
		{ 0x18, 4, "bus numbers" },
		{ 0x19, 1, "secondary bus number" },
		{ 0x1c, 2, "I/O window" },
		{ 0x20, 4, "memory window" },
		{ 0x24, 4, "prefetchable window" },
		{ 0x30, 4, "I/O window upper half" },
		{ 0x38, 4, "expansion ROM BAR" },
		{ 0x3e, 2, "bridge control" },
	};
	WD_PCI_SLOT s;
	uint32_t h, i, v;
	uint8_t line;
	int fd;

	tap_init("t_bridge");
	if (WDC_DriverOpen() || !find_bound(BRIDGE_VENDOR, BRIDGE_DEVICE, &s, 1) ||
	    WD_Open(&fd) || WD_CardRegister(fd, s, 0, &h)) {
		tap_ok(false, "register a bound pci-bridge");
		return tap_done();
	}
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		v = 0;
		WD_PciConfigDump(fd, s, regs[i].off, &v, regs[i].len, false);
		tap_status(WD_PciConfigDump(fd, s, regs[i].off, &v, regs[i].len,
					    true),
			   WD_ACCESS_DENIED, "%s (0x%x) refused", regs[i].name,
			   regs[i].off);
	}
	line = 0x0b;
	tap_status(WD_PciConfigDump(fd, s, 0x3c, &line, 1, true),
		   WD_STATUS_SUCCESS, "the interrupt line passes");
	WD_CardUnregister(fd, h);
	WD_Close(fd);
	WDC_DriverClose();
	return tap_done();
}
