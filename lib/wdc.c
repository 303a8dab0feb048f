// SPDX-License-Identifier: MIT
/*
 * wdc.c - the high-level library state (one /dev/udrv handle per process)
 * and device handles: registration, BAR mappings and the getters.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "udrv_internal.h"

/* <udrv/wdc_inline.h> reads a handle as its BAR table */
_Static_assert(offsetof(struct WDC_DEVICE, bar) == 0,
	       "a device handle must start with its BAR table");

void *(*udrv_test_mmap)(size_t len, int fd, off_t off);

/*
 * The process-wide agent handle.  It stays open while WDC_DriverOpen calls
 * outnumber WDC_DriverClose calls or any device is open: a device keeps
 * using the handle, and a closed descriptor number can be reused by an
 * unrelated open().
 */
static pthread_mutex_t drv_lock = PTHREAD_MUTEX_INITIALIZER;
static int drv_hwd = -1;
static unsigned int drv_opens, drv_devs;

static void drv_put_locked(void)
{
	if (!drv_opens && !drv_devs && drv_hwd >= 0) {
		WD_Close(drv_hwd);
		drv_hwd = -1;
	}
}

uint32_t WDC_DriverOpen(void)
{
	uint32_t st = WD_STATUS_SUCCESS;

	pthread_mutex_lock(&drv_lock);
	if (drv_hwd < 0)
		st = WD_Open(&drv_hwd);
	if (!st)
		drv_opens++;
	pthread_mutex_unlock(&drv_lock);
	return st;
}

uint32_t WDC_DriverClose(void)
{
	uint32_t st = WD_STATUS_SUCCESS;

	pthread_mutex_lock(&drv_lock);
	if (!drv_opens) {
		st = udrv_fail(WD_OPERATION_ALREADY_DONE,
			       "WDC_DriverClose: the library is not open (more WDC_DriverClose than WDC_DriverOpen calls)");
	} else {
		drv_opens--;
		drv_put_locked();
	}
	pthread_mutex_unlock(&drv_lock);
	return st;
}

int WDC_GetWDHandle(void)
{
	int h;

	pthread_mutex_lock(&drv_lock);
	h = drv_opens ? drv_hwd : -1;
	pthread_mutex_unlock(&drv_lock);
	return h;
}

/* The agent handle for `fn`, or -1 with the last error set. */
static int need_driver(const char *fn)
{
	int h = WDC_GetWDHandle();

	if (h < 0)
		udrv_fail(WD_INVALID_HANDLE,
			  "%s: the udrv library is not open: call WDC_DriverOpen() first",
			  fn);
	return h;
}

uint32_t WDC_PciScanDevices(uint16_t vendor, uint16_t device,
			    WDC_PCI_SCAN_RESULT *res)
{
	WD_PCI_ID id = { vendor, device };
	uint32_t found = 0, st;
	int hwd;

	if (!res)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_PciScanDevices: res is NULL");
	memset(res, 0, sizeof(*res));
	hwd = need_driver(__func__);
	if (hwd < 0)
		return WD_INVALID_HANDLE;
	st = WD_PciScanCards(hwd, id, res->slot, res->id, WD_PCI_CARDS,
			     &found);
	if (st)
		return st;
	res->count = found < WD_PCI_CARDS ? found : WD_PCI_CARDS;
	return WD_STATUS_SUCCESS;
}

uint32_t WDC_PciGetDeviceInfo(WD_PCI_CARD_INFO *info)
{
	int hwd = need_driver(__func__);

	if (hwd < 0)
		return WD_INVALID_HANDLE;
	return WD_PciGetCardInfo(hwd, info);
}

uint32_t WDC_PciReadCfgBySlot(WD_PCI_SLOT slot, uint32_t off, void *buf,
			      uint32_t bytes)
{
	int hwd = need_driver(__func__);

	if (hwd < 0)
		return WD_INVALID_HANDLE;
	return WD_PciConfigDump(hwd, slot, off, buf, bytes, false);
}

/*
 * The agent handle for a device being opened, with a device reference
 * taken in the same critical section, so that a concurrent last
 * WDC_DriverClose cannot close it under us; -1 if the library is closed.
 */
static int drv_get_dev(void)
{
	int h = -1;

	pthread_mutex_lock(&drv_lock);
	if (drv_opens) {
		h = drv_hwd;
		drv_devs++;
	}
	pthread_mutex_unlock(&drv_lock);
	if (h < 0)
		udrv_fail(WD_INVALID_HANDLE,
			  "WDC_PciDeviceOpen: the udrv library is not open: call WDC_DriverOpen() first");
	return h;
}

static void drv_put_dev(void)
{
	pthread_mutex_lock(&drv_lock);
	drv_devs--;
	drv_put_locked();
	pthread_mutex_unlock(&drv_lock);
}

/* Maps a memory BAR; on failure the BAR is reached through transfers. */
static void map_bar(WDC_DEVICE_HANDLE dev, uint32_t bar)
{
	struct udrv_bar *b = &dev->bar[bar];
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t len = (b->len + page - 1) & ~(page - 1);
	off_t off = (off_t)UDRV_MMAP_OFFSET(dev->hcard, bar);
	void *p;

	if (len < b->len || len > SIZE_MAX)	/* 32-bit process, huge BAR */
		return;
	if (udrv_test_mmap)
		p = udrv_test_mmap((size_t)len, dev->hwd, off);
	else
		p = mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE,
			 MAP_SHARED, dev->hwd, off);
	if (p == MAP_FAILED)
		return;
	b->map = p;
	b->map_len = (size_t)len;
}

static void setup_bars(WDC_DEVICE_HANDLE dev)
{
	uint32_t i;

	for (i = 0; i < dev->info.num_items; i++) {
		const WD_ITEM *it = &dev->info.item[i];

		if ((it->type != WD_ITEM_MEM && it->type != WD_ITEM_IO) ||
		    it->bar >= UDRV_MAX_BARS || !it->length)
			continue;
		dev->bar[it->bar].type = it->type;
		dev->bar[it->bar].len = it->length;
		if (it->type == WD_ITEM_MEM && (it->flags & WD_ITEM_MAPPABLE))
			map_bar(dev, it->bar);
	}
}

static uint32_t register_fail(uint32_t st, const char *name)
{
	switch (st) {
	case WD_NO_DEVICE_OBJECT:
		return udrv_fail(st,
				 "WDC_PciDeviceOpen: device %s is not bound to udrv: run udrvctl bind %s",
				 name, name);
	case WD_RESOURCE_OVERLAP:
		return udrv_fail(st,
				 "WDC_PciDeviceOpen: device %s is already owned by another process or handle (WD_RESOURCE_OVERLAP)",
				 name);
	case WD_DEVICE_NOT_FOUND:
		return udrv_fail(st,
				 "WDC_PciDeviceOpen: there is no PCI device %s (see udrvctl list)",
				 name);
	default:
		return udrv_fail_wrap(st, "WDC_PciDeviceOpen");
	}
}

uint32_t WDC_PciDeviceOpenEx(WDC_DEVICE_HANDLE *pdev,
			     const WD_PCI_CARD_INFO *info, void *ctx,
			     uint32_t options)
{
	WDC_DEVICE_HANDLE dev;
	char name[UDRV_SLOT_STR];
	uint32_t hcard, st;
	int hwd;

	if (!pdev)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_PciDeviceOpen: dev is NULL");
	*pdev = NULL;
	if (!info)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_PciDeviceOpen: info is NULL");
	hwd = drv_get_dev();
	if (hwd < 0)
		return WD_INVALID_HANDLE;
	udrv_slot_str(info->slot, name);
	st = WD_CardRegister(hwd, info->slot, options, &hcard);
	if (st) {
		drv_put_dev();
		return register_fail(st, name);
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		WD_CardUnregister(hwd, hcard);
		drv_put_dev();
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "WDC_PciDeviceOpen: out of memory");
	}
	dev->hwd = hwd;
	dev->hcard = hcard;
	dev->ctx = ctx;
	memcpy(dev->name, name, sizeof(name));
	/* The caller's info may be stale (or partial): ask again. */
	dev->info.slot = info->slot;
	st = WD_PciGetCardInfo(hwd, &dev->info);
	if (st) {
		WD_CardUnregister(hwd, hcard);
		free(dev);
		drv_put_dev();
		return udrv_fail_wrap(st, "WDC_PciDeviceOpen");
	}
	setup_bars(dev);
	udrv_int_dev_init(dev);
	*pdev = dev;
	return WD_STATUS_SUCCESS;
}

uint32_t WDC_PciDeviceOpen(WDC_DEVICE_HANDLE *dev, const WD_PCI_CARD_INFO *info,
			   void *ctx)
{
	return WDC_PciDeviceOpenEx(dev, info, ctx, 0);
}

uint32_t WDC_PciDeviceClose(WDC_DEVICE_HANDLE dev)
{
	uint32_t st = WD_STATUS_SUCCESS;
	int i;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_PciDeviceClose: device handle is NULL");
	/* Interrupts first: the handler may still be using the BARs. */
	st = udrv_int_dev_close(dev, __func__);
	if (st)
		return st;
	udrv_event_dev_close(dev);
	/* Then the KP, which may use them too (in user mode, the mappings). */
	if (dev->kp.open)
		WDC_KernelPlugInClose(dev);
	for (i = 0; i < UDRV_MAX_BARS; i++)
		if (dev->bar[i].map_len)
			munmap(dev->bar[i].map, dev->bar[i].map_len);
	if (!dev->fake) {
		st = WD_CardUnregister(dev->hwd, dev->hcard);
		if (st)
			udrv_fail_wrap(st, "WDC_PciDeviceClose: %s", dev->name);
		drv_put_dev();
	}
	free(dev);
	return st;
}

void *WDC_GetDevContext(WDC_DEVICE_HANDLE dev)
{
	return dev ? dev->ctx : NULL;
}

uint32_t WDC_GetCardHandle(WDC_DEVICE_HANDLE dev)
{
	return dev ? dev->hcard : 0;
}

uint32_t WDC_CardCleanupSetup(WDC_DEVICE_HANDLE dev, const WD_TRANSFER *cmds,
			      uint32_t n, uint32_t options)
{
	uint32_t st;

	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_CardCleanupSetup: device handle is NULL");
	st = WD_CardCleanupSetup(dev->hwd, dev->hcard, cmds, n, options);
	if (st)
		udrv_fail_wrap(st, "WDC_CardCleanupSetup: %s", dev->name);
	return st;
}

bool WDC_AddrSpaceIsActive(WDC_DEVICE_HANDLE dev, uint32_t bar)
{
	return dev && bar < UDRV_MAX_BARS && dev->bar[bar].len;
}

uint32_t WDC_GetAddrSpaceSize(WDC_DEVICE_HANDLE dev, uint32_t bar,
			      uint64_t *size)
{
	if (!dev)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WDC_GetAddrSpaceSize: device handle is NULL");
	if (!size)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_GetAddrSpaceSize: size is NULL");
	*size = 0;
	if (bar >= UDRV_MAX_BARS)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_GetAddrSpaceSize: BAR%u does not exist (BARs are 0-5)",
				 bar);
	if (!dev->bar[bar].len)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WDC_GetAddrSpaceSize: BAR%u is not active on %s",
				 bar, dev->name);
	*size = dev->bar[bar].len;
	return WD_STATUS_SUCCESS;
}

void *WDC_GetBarPointer(WDC_DEVICE_HANDLE dev, uint32_t bar)
{
	if (!dev || bar >= UDRV_MAX_BARS)
		return NULL;
	return dev->bar[bar].map;
}

WDC_DEVICE_HANDLE udrv_test_fake_device(void *bar0, uint64_t len)
{
	WDC_DEVICE_HANDLE dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->fake = true;
	dev->hwd = -1;
	udrv_int_dev_init(dev);
	snprintf(dev->name, sizeof(dev->name), "fake");
	udrv_test_fake_bar(dev, 0, WD_ITEM_MEM, bar0, len);
	return dev;
}

void udrv_test_fake_bar(WDC_DEVICE_HANDLE dev, uint32_t bar, uint32_t type,
			void *map, uint64_t len)
{
	if (!dev || bar >= UDRV_MAX_BARS)
		return;
	dev->bar[bar].type = type;
	dev->bar[bar].len = len;
	dev->bar[bar].map = map;
	dev->bar[bar].map_len = 0;
}
