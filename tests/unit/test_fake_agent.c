// SPDX-License-Identifier: MIT
/*
 * The library against a fake agent: udrv_test_ioctl answers the ioctls
 * the way udrv.ko does, udrv_test_mmap hands out anonymous memory.  This
 * checks what crosses the ABI (sizes, conversions, pointers passed without
 * a copy, mmap offsets) and how the library reacts to the agent's errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "tap.h"

#define HCARD 7

static struct {
	uint32_t abi;
	int register_err, transfer_err, multi_err, multi_fail_at;
	uint32_t scan_found;		/* devices the fake bus has */
	bool mmap_fails;
	/* observed */
	int bad_size, transfers, mmaps, unregisters;
	uint32_t last_options, last_scan_max, last_scan_vendor;
	struct udrv_xfer last_xfer;
	uint64_t multi_cmds;
	uint32_t multi_num;
	size_t mmap_len;
	off_t mmap_off;
	uint8_t cfg[256];
} A;

static void fill_slot(struct udrv_slot *s)
{
	memset(s, 0, sizeof(*s));
	s->slot = 3;
}

static int agent_scan(struct udrv_scan *sc)
{
	struct udrv_scan_entry *e = (void *)(uintptr_t)sc->entries;
	uint32_t i;

	A.last_scan_max = sc->max;
	A.last_scan_vendor = sc->vendor;
	if (sc->max > UDRV_MAX_SCAN || (sc->max && !e))
		return EINVAL;
	for (i = 0; i < sc->max && i < A.scan_found; i++) {
		fill_slot(&e[i].slot);	/* 00:03.0, then onwards */
		e[i].slot.bus = (uint8_t)((i + 3) >> 5);
		e[i].slot.slot = (uint8_t)((i + 3) & 31);
		e[i].vendor = 0x1234;
		e[i].device = 0x11e8;
		e[i].bound = 1;
	}
	sc->found = A.scan_found;
	return 0;
}

static int agent_card_info(struct udrv_card_info *ci)
{
	if (ci->slot.slot != 3)
		return ENODEV;
	ci->vendor = 0x1234;
	ci->device = 0x11e8;
	ci->subsys_vendor = 0x1af4;
	ci->subsys_device = 0x1100;
	ci->class_code = 0x00ff00;
	ci->revision = 0x10;
	ci->caps = UDRV_CAP_INTX | UDRV_CAP_MSI;
	ci->msi_vectors = 1;
	ci->bound = 1;
	ci->cfg_size = 256;
	ci->num_items = 4;
	ci->item[0] = (struct udrv_item){ UDRV_ITEM_MEM, 0, 0xfea00000,
		1 << 20, UDRV_ITEMF_MMAP, 0 };
	ci->item[1] = (struct udrv_item){ UDRV_ITEM_MEM, 1, 0xfeb00000,
		4096, UDRV_ITEMF_64BIT | UDRV_ITEMF_PREFETCH, 0 };
	ci->item[2] = (struct udrv_item){ UDRV_ITEM_IO, 2, 0xc000, 32, 0, 0 };
	ci->item[3] = (struct udrv_item){ UDRV_ITEM_INTERRUPT, 0, 0, 0, 0,
		11 };
	return 0;
}

static int agent_transfer(struct udrv_transfer *t)
{
	A.transfers++;
	A.last_xfer = t->xfer;
	if (t->hcard != HCARD)
		return EBADF;
	if (A.transfer_err)
		return A.transfer_err;
	if (!(t->xfer.cmd & (UDRV_CMD_WRITE | UDRV_CMD_STRING)))
		t->xfer.data = 0x1122334455667788ULL;
	return 0;
}

static int agent_multi(struct udrv_multi_transfer *m)
{
	A.multi_cmds = m->cmds;
	A.multi_num = m->num;
	if (A.multi_err) {
		m->done = (uint32_t)A.multi_fail_at;
		return A.multi_err;
	}
	m->done = m->num;
	return 0;
}

static int agent_config(struct udrv_config *c)
{
	uint8_t *buf = (void *)(uintptr_t)c->buf;

	if (c->offset + c->bytes > sizeof(A.cfg))
		return ERANGE;
	if (c->write && c->offset >= 0x10 && c->offset < 0x28)
		return EACCES;		/* the BARs belong to the agent */
	if (c->write)
		memcpy(A.cfg + c->offset, buf, c->bytes);
	else
		memcpy(buf, A.cfg + c->offset, c->bytes);
	return 0;
}

static int agent(int fd, unsigned long req, void *arg)
{
	int err = ENOTTY;

	(void)fd;
	if (*(uint32_t *)arg != _IOC_SIZE(req))
		A.bad_size++;
	switch (req) {
	case UDRV_IOC_VERSION: {
		struct udrv_version *v = arg;

		v->abi_version = A.abi;
		strcpy(v->text, "udrv fake");
		err = 0;
		break;
	}
	case UDRV_IOC_SCAN:
		err = agent_scan(arg);
		break;
	case UDRV_IOC_CARD_INFO:
		err = agent_card_info(arg);
		break;
	case UDRV_IOC_REGISTER: {
		struct udrv_register *r = arg;

		A.last_options = r->options;
		err = A.register_err;
		if (!err)
			r->hcard = HCARD;
		break;
	}
	case UDRV_IOC_UNREGISTER:
		A.unregisters++;
		err = ((struct udrv_unregister *)arg)->hcard == HCARD ? 0 :
									EBADF;
		break;
	case UDRV_IOC_TRANSFER:
		err = agent_transfer(arg);
		break;
	case UDRV_IOC_MULTI_TRANSFER:
		err = agent_multi(arg);
		break;
	case UDRV_IOC_CONFIG:
		err = agent_config(arg);
		break;
	}
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

static void *agent_mmap(size_t len, int fd, off_t off)
{
	(void)fd;
	A.mmaps++;
	A.mmap_len = len;
	A.mmap_off = off;
	if (A.mmap_fails)
		return MAP_FAILED;
	return mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static void reset(void)
{
	memset(&A, 0, sizeof(A));
	A.abi = UDRV_ABI_VERSION;
	A.scan_found = 1;
	A.cfg[0] = 0x34;
	A.cfg[1] = 0x12;
	A.cfg[2] = 0xe8;
	A.cfg[3] = 0x11;
}

static void test_open_version(void)
{
	uint32_t v = 0;
	char text[32];
	int h, h2;

	reset();
	is_status(WD_Open(&h), WD_STATUS_SUCCESS, "WD_Open with the agent");
	is_status(WD_Version(h, &v, text, sizeof(text)), WD_STATUS_SUCCESS,
		  "WD_Version");
	ok(v == UDRV_ABI_VERSION && !strcmp(text, "udrv fake"),
	   "... version and text");
	WD_Close(h);
	A.abi = UDRV_ABI_VERSION + 1;
	is_status(WD_Open(&h), WD_INCORRECT_VERSION,
		  "WD_Open refuses another ABI version");
	ok(h == -1 && err_has("ABI version 2"), "... and names the versions");
	A.abi = UDRV_ABI_VERSION;

	is_status(WDC_DriverOpen(), WD_STATUS_SUCCESS, "WDC_DriverOpen");
	h = WDC_GetWDHandle();
	is_status(WDC_DriverOpen(), WD_STATUS_SUCCESS, "WDC_DriverOpen again");
	h2 = WDC_GetWDHandle();
	ok(h >= 0 && h == h2, "... shares one handle");
	WDC_DriverClose();
	ok(WDC_GetWDHandle() == h, "one close of two keeps it open");
	WDC_DriverClose();
	ok(WDC_GetWDHandle() == -1 && fcntl(h, F_GETFD) < 0,
	   "the last close closes it");
}

static void test_scan_info(void)
{
	WDC_PCI_SCAN_RESULT *res = calloc(1, sizeof(*res));
	WD_PCI_SLOT *slots = calloc(300, sizeof(*slots));
	WD_PCI_ID *ids = calloc(300, sizeof(*ids));
	WD_PCI_ID any = { 0, 0 };
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	uint32_t found = 0;

	reset();
	WDC_DriverOpen();
	is_status(WDC_PciScanDevices(0x1234, 0, res), WD_STATUS_SUCCESS,
		  "WDC_PciScanDevices");
	ok(res->count == 1 && res->slot[0].slot == 3 &&
	   res->id[0].vendor == 0x1234 && res->id[0].device == 0x11e8,
	   "... finds the device");
	ok(A.last_scan_vendor == 0x1234 && A.last_scan_max == WD_PCI_CARDS,
	   "... asks for vendor 0x1234, up to WD_PCI_CARDS");
	is_status(WD_PciScanCards(WDC_GetWDHandle(), any, NULL, NULL, 0,
				  &found), WD_STATUS_SUCCESS,
		  "WD_PciScanCards with max 0 only counts");
	ok(found == 1 && A.last_scan_max == 0, "... found 1");
	A.scan_found = 300;
	is_status(WD_PciScanCards(WDC_GetWDHandle(), any, slots, ids, 300,
				  &found), WD_INSUFFICIENT_RESOURCES,
		  "300 matches with room for 300: the agent gives 256");
	ok(found == 300 && A.last_scan_max == UDRV_MAX_SCAN &&
	   slots[255].bus == 8 && slots[255].slot == 2 && ids[255].vendor &&
	   !ids[256].vendor, "... the first 256 are filled, found says 300");
	is_status(WD_PciScanCards(WDC_GetWDHandle(), any, slots, ids, 10,
				  &found), WD_STATUS_SUCCESS,
		  "300 matches with room for 10: fine, found says 300");

	is_status(WDC_PciGetDeviceInfo(&info), WD_STATUS_SUCCESS,
		  "WDC_PciGetDeviceInfo");
	ok(info.id.vendor == 0x1234 && info.id.device == 0x11e8 &&
	   info.subsys_vendor == 0x1af4 && info.class_code == 0x00ff00 &&
	   info.revision == 0x10 && info.msi_vectors == 1 && info.bound &&
	   info.cfg_size == 256 && info.slot.slot == 3,
	   "... converts the identity");
	ok(info.num_items == 4 && info.item[0].type == WD_ITEM_MEM &&
	   info.item[0].length == 1 << 20 &&
	   (info.item[0].flags & WD_ITEM_MAPPABLE) &&
	   (info.item[1].flags & WD_ITEM_64BIT) &&
	   info.item[1].phys_addr == 0xfeb00000 &&
	   info.item[2].type == WD_ITEM_IO && info.item[3].irq == 11,
	   "... converts the items");
	info.slot.slot = 4;
	is_status(WDC_PciGetDeviceInfo(&info), WD_DEVICE_NOT_FOUND,
		  "WDC_PciGetDeviceInfo of an empty slot");
	ok(err_has("0000:00:04.0") && err_has("ENODEV"),
	   "... the message names the slot and the errno");
	WDC_DriverClose();
	free(res);
	free(slots);
	free(ids);
}

static void test_open_errors(void)
{
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	WDC_DEVICE_HANDLE dev;

	reset();
	WDC_DriverOpen();
	A.register_err = ENOLINK;
	is_status(WDC_PciDeviceOpen(&dev, &info, NULL), WD_NO_DEVICE_OBJECT,
		  "open a device not bound to udrv");
	ok(err_has("device 0000:00:03.0 is not bound to udrv: run udrvctl bind 0000:00:03.0"),
	   "... the message says how to bind it");
	A.register_err = EBUSY;
	is_status(WDC_PciDeviceOpen(&dev, &info, NULL), WD_RESOURCE_OVERLAP,
		  "open a device owned by another process");
	ok(err_has("0000:00:03.0 is already owned") &&
	   err_has("WD_RESOURCE_OVERLAP"), "... the message says so");
	A.register_err = ENODEV;
	is_status(WDC_PciDeviceOpen(&dev, &info, NULL), WD_DEVICE_NOT_FOUND,
		  "open an empty slot");
	A.register_err = EMSGSIZE;
	is_status(WDC_PciDeviceOpen(&dev, &info, NULL), WD_INCORRECT_VERSION,
		  "an agent that disagrees on the structure size");
	ok(A.mmaps == 0 && dev == NULL, "... nothing mapped, no handle");
	WDC_DriverClose();
}

static void test_device(void)
{
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	WDC_DEVICE_HANDLE dev;
	WD_TRANSFER list[3];
	uint8_t blk[64];
	uint32_t d = 0, ctx = 1;
	uint16_t w = 0;
	uint64_t q = 0;
	int hwd;

	reset();
	udrv_test_mmap = agent_mmap;
	WDC_DriverOpen();
	hwd = WDC_GetWDHandle();
	is_status(WDC_PciDeviceOpen(&dev, &info, &ctx), WD_STATUS_SUCCESS,
		  "WDC_PciDeviceOpen");
	ok(A.last_options == 0, "... registers exclusively");
	ok(WDC_GetCardHandle(dev) == HCARD && WDC_GetDevContext(dev) == &ctx,
	   "... card handle and context");
	ok(A.mmaps == 1 && A.mmap_len == 1 << 20 &&
	   A.mmap_off == (off_t)UDRV_MMAP_OFFSET(HCARD, 0),
	   "... maps only the mappable BAR0, at UDRV_MMAP_OFFSET(hcard, 0)");
	ok(WDC_GetBarPointer(dev, 0) && !WDC_GetBarPointer(dev, 1) &&
	   !WDC_GetBarPointer(dev, 2), "... BAR pointers");

	WDC_WriteAddr32(dev, 0, 0x40, 0xcafe);
	ok(!WDC_ReadAddr32(dev, 0, 0x40, &d) && d == 0xcafe &&
	   A.transfers == 0, "BAR0 accesses use the mapping, no ioctl");
	is_status(WDC_ReadAddr32(dev, 1, 0x10, &d), WD_STATUS_SUCCESS,
		  "unmapped memory BAR1 read");
	ok(A.transfers == 1 && A.last_xfer.cmd == RM_DWORD &&
	   A.last_xfer.bar == 1 && A.last_xfer.addr == 0x10 &&
	   d == 0x55667788, "... is RM_DWORD through the agent");
	is_status(WDC_ReadAddr64(dev, 1, 0x18, &q), WD_STATUS_SUCCESS,
		  "BAR1 64-bit read");
	ok(A.last_xfer.cmd == RM_QWORD && q == 0x1122334455667788ULL,
	   "... is RM_QWORD");
	is_status(WDC_WriteAddr16(dev, 2, 6, 0xbeef), WD_STATUS_SUCCESS,
		  "I/O BAR2 16-bit write");
	ok(A.last_xfer.cmd == WP_WORD && A.last_xfer.bar == 2 &&
	   A.last_xfer.addr == 6 && (A.last_xfer.data & 0xffff) == 0xbeef,
	   "... is WP_WORD with the value in the low bytes");
	is_status(WDC_ReadAddr16(dev, 2, 0, &w), WD_STATUS_SUCCESS,
		  "I/O BAR2 16-bit read");
	ok(A.last_xfer.cmd == RP_WORD && w == 0x7788, "... is RP_WORD");
	is_status(WDC_ReadAddrBlock(dev, 2, 4, 16, blk, 2, WDC_NO_AUTOINC),
		  WD_STATUS_SUCCESS, "I/O BAR2 FIFO block read");
	ok(A.last_xfer.cmd == RP_SWORD && A.last_xfer.bytes == 16 &&
	   A.last_xfer.options == WD_NO_AUTOINC && A.last_xfer.addr == 4 &&
	   A.last_xfer.data == (uintptr_t)blk,
	   "... is one RP_SWORD string transfer into the caller's buffer");
	is_status(WDC_WriteAddrBlock(dev, 1, 0, 64, blk, 8, 0),
		  WD_STATUS_SUCCESS, "BAR1 block write");
	ok(A.last_xfer.cmd == WM_SQWORD && A.last_xfer.bytes == 64 &&
	   A.last_xfer.options == 0, "... is WM_SQWORD");

	A.transfer_err = EIO;
	is_status(WDC_ReadAddr32(dev, 1, 0, &d), WD_DEVICE_REMOVED,
		  "the agent says the device went away");
	ok(err_has("EIO from the agent") && err_has("0000:00:03.0"),
	   "... the message names errno and device");
	A.transfer_err = ERANGE;
	is_status(WDC_ReadAddr32(dev, 1, 0, &d), WD_OUT_OF_RANGE,
		  "the agent refuses the range");
	A.transfer_err = 0;

	memset(list, 0, sizeof(list));
	list[0].cmd = WM_DWORD;
	list[1].cmd = RM_DWORD;
	list[1].addr = 4;
	list[2].cmd = RP_BYTE;
	list[2].bar = 2;
	is_status(WDC_MultiTransfer(dev, list, 3), WD_STATUS_SUCCESS,
		  "WDC_MultiTransfer");
	ok(A.multi_cmds == (uintptr_t)list && A.multi_num == 3,
	   "... hands the caller's array to the agent without a copy");
	A.multi_err = ERANGE;
	A.multi_fail_at = 1;
	is_status(WDC_MultiTransfer(dev, list, 3), WD_OUT_OF_RANGE,
		  "WDC_MultiTransfer failing at the 2nd command");
	ok(err_has("command 1 of 3"), "... the message names it");
	A.multi_err = 0;

	is_status(WDC_PciReadCfg16(dev, 0, &w), WD_STATUS_SUCCESS,
		  "WDC_PciReadCfg16");
	ok(w == 0x1234, "... little-endian config space");
	is_status(WDC_PciReadCfg32(dev, 0, &d), WD_STATUS_SUCCESS,
		  "WDC_PciReadCfg32");
	ok(d == 0x11e81234, "... vendor and device");
	is_status(WDC_PciWriteCfg32(dev, 0x40, 0xaabbccdd), WD_STATUS_SUCCESS,
		  "WDC_PciWriteCfg32");
	ok(A.cfg[0x40] == 0xdd && A.cfg[0x43] == 0xaa, "... stored LE");
	is_status(WDC_PciWriteCfg32(dev, 0x10, 0), WD_ACCESS_DENIED,
		  "config write to a BAR");
	ok(err_has("EACCES") && err_has("the agent owns these registers"),
	   "... the message explains the refusal");
	is_status(WDC_PciReadCfg(dev, 250, blk, 8), WD_OUT_OF_RANGE,
		  "WDC_PciReadCfg beyond the agent's config space");

	/* The agent handle outlives WDC_DriverClose while a device is open. */
	WDC_DriverClose();
	ok(fcntl(hwd, F_GETFD) >= 0, "an open device keeps the agent handle");
	ok(!WDC_ReadAddr32(dev, 1, 0, &d), "... and keeps working");
	is_status(WDC_PciDeviceClose(dev), WD_STATUS_SUCCESS,
		  "WDC_PciDeviceClose");
	ok(A.unregisters == 1, "... unregisters the card");
	ok(fcntl(hwd, F_GETFD) < 0, "... and the last user closes the handle");
	ok(A.bad_size == 0, "every ioctl structure carried its own size");
	udrv_test_mmap = NULL;
}

static void test_mmap_fallback(void)
{
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	WDC_DEVICE_HANDLE dev;
	uint32_t d = 0;

	reset();
	A.mmap_fails = true;
	udrv_test_mmap = agent_mmap;
	WDC_DriverOpen();
	is_status(WDC_PciDeviceOpen(&dev, &info, NULL), WD_STATUS_SUCCESS,
		  "WDC_PciDeviceOpen when mmap fails");
	ok(A.mmaps == 1 && !WDC_GetBarPointer(dev, 0),
	   "... BAR0 is left unmapped");
	ok(!WDC_ReadAddr32(dev, 0, 8, &d) && A.transfers == 1 &&
	   A.last_xfer.cmd == RM_DWORD && A.last_xfer.bar == 0,
	   "... and reached through transfers");
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	udrv_test_mmap = NULL;
}

static void test_shared(void)
{
	WD_PCI_CARD_INFO info = { .slot = { 0, 0, 3, 0 } };
	WDC_DEVICE_HANDLE dev;

	reset();
	WDC_DriverOpen();
	A.mmap_fails = true;
	udrv_test_mmap = agent_mmap;
	is_status(WDC_PciDeviceOpenEx(&dev, &info, NULL, WD_SHARED),
		  WD_STATUS_SUCCESS, "WDC_PciDeviceOpenEx(WD_SHARED)");
	ok(A.last_options == UDRV_REG_SHARED, "... registers shared");
	WDC_PciDeviceClose(dev);
	WDC_DriverClose();
	udrv_test_mmap = NULL;
}

int main(void)
{
	setenv("UDRV_DEVICE", "/dev/null", 1);
	udrv_test_ioctl = agent;
	test_open_version();
	test_scan_info();
	test_open_errors();
	test_device();
	test_mmap_fallback();
	test_shared();
	return tap_done();
}
