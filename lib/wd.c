// SPDX-License-Identifier: MIT
/*
 * wd.c - the low-level WD_ calls: each one checks its arguments, fills one
 * ABI structure of udrv_abi.h, issues one ioctl and maps the errno to a
 * status.  Arguments that are obviously wrong fail here, before the ioctl,
 * with a message that says what was wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "udrv_internal.h"

/*
 * WD_TRANSFER is handed to the agent as struct udrv_xfer without a copy
 * (multi-transfer and cleanup lists point straight at the caller's array),
 * so the two must have the same layout.  A 32-bit program's buffer pointer
 * fills only the low half of data; the agent ignores the high half of
 * pointers from compat tasks.
 */
#define SAME_FIELD(f, g) \
	_Static_assert(offsetof(WD_TRANSFER, f) == \
		       offsetof(struct udrv_xfer, g), "WD_TRANSFER." #f)
_Static_assert(sizeof(WD_TRANSFER) == sizeof(struct udrv_xfer),
	       "WD_TRANSFER size");
SAME_FIELD(addr, addr);
SAME_FIELD(bar, bar);
SAME_FIELD(cmd, cmd);
SAME_FIELD(bytes, bytes);
SAME_FIELD(options, options);
SAME_FIELD(data, data);
_Static_assert(sizeof(((WD_TRANSFER *)0)->data) == sizeof(__u64),
	       "WD_TRANSFER.data");

int (*udrv_test_ioctl)(int fd, unsigned long req, void *arg);

int udrv_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do {
		r = udrv_test_ioctl ? udrv_test_ioctl(fd, req, arg) :
				      ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? errno : 0;
}

uint32_t udrv_ioctl_fail(int err, const char *fmt, ...)
{
	const char *name = udrv_errno_name(err);
	uint32_t st = udrv_errno_status(err);
	char what[160], buf[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (name)
		return udrv_fail(st, "%s: %s (%s from the agent)", what,
				 WD_StatusToStr(st), name);
	return udrv_fail(st, "%s: the agent failed: %s (errno %d)", what,
			 strerror_r(err, buf, sizeof(buf)), err);
}

uint32_t udrv_bad_hwd(const char *fn, int hWD)
{
	return udrv_fail(WD_INVALID_HANDLE,
			 "%s: invalid udrv handle %d (open it with WD_Open)",
			 fn, hWD);
}

uint32_t udrv_null_arg(const char *fn, const char *what)
{
	return udrv_fail(WD_INVALID_PARAMETER, "%s: %s is NULL", fn, what);
}

char *udrv_slot_str(WD_PCI_SLOT s, char *buf)
{
	snprintf(buf, UDRV_SLOT_STR, "%04x:%02x:%02x.%x", s.domain, s.bus,
		 s.slot & 0xffu, s.function & 0xffu);
	return buf;
}

bool udrv_slot_valid(WD_PCI_SLOT s)
{
	return s.slot < 32 && s.function < 8;
}

static uint32_t bad_slot(const char *fn, WD_PCI_SLOT s)
{
	return udrv_fail(WD_INVALID_PARAMETER,
			 "%s: invalid PCI slot %04x:%02x:%02x.%x (device must be 0-0x1f, function 0-7)",
			 fn, s.domain, s.bus, s.slot, s.function);
}

static struct udrv_slot to_abi_slot(WD_PCI_SLOT s)
{
	struct udrv_slot a;

	memset(&a, 0, sizeof(a));
	a.domain = s.domain;
	a.bus = s.bus;
	a.slot = s.slot;
	a.function = s.function;
	return a;
}

static WD_PCI_SLOT from_abi_slot(const struct udrv_slot *a)
{
	WD_PCI_SLOT s = { a->domain, a->bus, a->slot, a->function };

	return s;
}

uint32_t WD_Open(int *hWD)
{
	const char *path = secure_getenv("UDRV_DEVICE");
	struct udrv_version v;
	int fd, err;

	if (!hWD)
		return udrv_null_arg(__func__, "hWD");
	*hWD = -1;
	if (!path || !*path)
		path = UDRV_DEVICE_PATH;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT || err == ENXIO || err == ENODEV)
			return udrv_fail(WD_WINDRIVER_NOT_FOUND,
					 "WD_Open: %s: %s: is the udrv.ko agent loaded?",
					 path, strerror(err));
		if (err == EACCES || err == EPERM)
			return udrv_fail(WD_ACCESS_DENIED,
					 "WD_Open: %s: permission denied: add the user to group udrv (see docs/install.md), or run as root",
					 path);
		return udrv_fail(WD_OPERATION_FAILED, "WD_Open: %s: %s",
				 path, strerror(err));
	}
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	err = udrv_ioctl(fd, UDRV_IOC_VERSION, &v);
	if (err) {
		close(fd);
		if (err == ENOEXEC)
			return udrv_fail(WD_INCORRECT_VERSION,
					 "WD_Open: %s refuses 32-bit programs: udrv serves 64-bit programs only (build the driver without -m32)",
					 path);
		if (err == ENOTTY || err == EINVAL || err == EMSGSIZE)
			return udrv_fail(WD_INCORRECT_VERSION,
					 "WD_Open: %s does not answer the udrv version request (%s): not the udrv agent, or an incompatible one",
					 path, strerror(err));
		return udrv_ioctl_fail(err, "WD_Open: %s", path);
	}
	if (v.abi_version != UDRV_ABI_VERSION) {
		close(fd);
		return udrv_fail(WD_INCORRECT_VERSION,
				 "WD_Open: the agent at %s speaks ABI version %u, this library ABI version %u: rebuild one to match the other",
				 path, v.abi_version, UDRV_ABI_VERSION);
	}
	*hWD = fd;
	return WD_STATUS_SUCCESS;
}

void WD_Close(int hWD)
{
	if (hWD < 0)
		return;
	udrv_dma_forget(hWD, 0);	/* the agent frees the buffers */
	udrv_xlist_forget(hWD, 0);	/* and the prepared lists */
	close(hWD);
}

uint32_t WD_Version(int hWD, uint32_t *version, char *text, size_t textlen)
{
	struct udrv_version v;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!version)
		return udrv_null_arg(__func__, "version");
	if (!text && textlen)
		return udrv_null_arg(__func__, "text");
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	err = udrv_ioctl(hWD, UDRV_IOC_VERSION, &v);
	if (err)
		return udrv_ioctl_fail(err, "WD_Version");
	*version = v.abi_version;
	if (textlen)
		snprintf(text, textlen, "%.*s", (int)sizeof(v.text), v.text);
	return WD_STATUS_SUCCESS;
}

uint32_t WD_PciScanCards(int hWD, WD_PCI_ID search, WD_PCI_SLOT *slots,
			 WD_PCI_ID *ids, uint32_t max, uint32_t *found)
{
	struct udrv_scan_entry *ents = NULL;
	struct udrv_scan sc;
	uint32_t i, n, st = WD_STATUS_SUCCESS;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!found)
		return udrv_null_arg(__func__, "found");
	if (max && (!slots || !ids))
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WD_PciScanCards: slots and ids must not be NULL when max (%u) is not 0",
				 max);
	/* The agent fills at most UDRV_MAX_SCAN entries per call. */
	n = max < UDRV_MAX_SCAN ? max : UDRV_MAX_SCAN;
	if (n) {
		ents = calloc(n, sizeof(*ents));
		if (!ents)
			return udrv_fail(WD_INSUFFICIENT_RESOURCES,
					 "WD_PciScanCards: out of memory");
	}
	memset(&sc, 0, sizeof(sc));
	sc.size = sizeof(sc);
	sc.vendor = search.vendor;
	sc.device = search.device;
	sc.max = n;
	sc.entries = (uintptr_t)ents;
	err = udrv_ioctl(hWD, UDRV_IOC_SCAN, &sc);
	if (err) {
		free(ents);
		return udrv_ioctl_fail(err, "WD_PciScanCards");
	}
	for (i = 0; i < n && i < sc.found; i++) {
		slots[i] = from_abi_slot(&ents[i].slot);
		ids[i].vendor = ents[i].vendor;
		ids[i].device = ents[i].device;
	}
	free(ents);
	*found = sc.found;
	/* The caller made room for more than the agent can report. */
	if (max > n && sc.found > n)
		st = udrv_fail(WD_INSUFFICIENT_RESOURCES,
			       "WD_PciScanCards: %u devices match but the agent reports at most %u: narrow the search by vendor/device",
			       sc.found, n);
	return st;
}

uint32_t WD_PciGetCardInfo(int hWD, WD_PCI_CARD_INFO *info)
{
	struct udrv_card_info ci;
	WD_PCI_SLOT slot;
	uint32_t i;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!info)
		return udrv_null_arg(__func__, "info");
	slot = info->slot;
	if (!udrv_slot_valid(slot))
		return bad_slot(__func__, slot);
	memset(&ci, 0, sizeof(ci));
	ci.size = sizeof(ci);
	ci.slot = to_abi_slot(slot);
	err = udrv_ioctl(hWD, UDRV_IOC_CARD_INFO, &ci);
	if (err) {
		char s[UDRV_SLOT_STR];

		return udrv_ioctl_fail(err, "WD_PciGetCardInfo: %s",
				       udrv_slot_str(slot, s));
	}
	memset(info, 0, sizeof(*info));
	info->slot = slot;
	info->id.vendor = ci.vendor;
	info->id.device = ci.device;
	info->subsys_vendor = ci.subsys_vendor;
	info->subsys_device = ci.subsys_device;
	info->class_code = ci.class_code;
	info->revision = ci.revision;
	info->caps = ci.caps;
	info->msi_vectors = ci.msi_vectors;
	info->msix_vectors = ci.msix_vectors;
	info->bound = ci.bound;
	info->cfg_size = ci.cfg_size;
	info->num_items = ci.num_items < WD_CARD_ITEMS ? ci.num_items :
							 WD_CARD_ITEMS;
	for (i = 0; i < info->num_items; i++) {
		info->item[i].type = ci.item[i].type;
		info->item[i].bar = ci.item[i].bar;
		info->item[i].phys_addr = ci.item[i].phys_addr;
		info->item[i].length = ci.item[i].length;
		info->item[i].flags = ci.item[i].flags;
		info->item[i].irq = ci.item[i].irq;
	}
	return WD_STATUS_SUCCESS;
}

uint32_t WD_PciConfigDump(int hWD, WD_PCI_SLOT slot, uint32_t offset,
			  void *buf, uint32_t bytes, bool write)
{
	struct udrv_config c;
	char s[UDRV_SLOT_STR];
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!udrv_slot_valid(slot))
		return bad_slot(__func__, slot);
	if (!buf)
		return udrv_null_arg(__func__, "buf");
	if (!bytes)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WD_PciConfigDump: bytes is 0");
	if (offset >= UDRV_CFG_EXTENDED || bytes > UDRV_CFG_EXTENDED - offset)
		return udrv_fail(WD_OUT_OF_RANGE,
				 "WD_PciConfigDump: offset 0x%x + %u is beyond config space (%u bytes at most)",
				 offset, bytes, UDRV_CFG_EXTENDED);
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.slot = to_abi_slot(slot);
	c.offset = offset;
	c.bytes = bytes;
	c.write = write;
	c.buf = (uintptr_t)buf;
	err = udrv_ioctl(hWD, UDRV_IOC_CONFIG, &c);
	if (!err)
		return WD_STATUS_SUCCESS;
	udrv_ioctl_fail(err, "WD_PciConfigDump: %s config %s at 0x%x + %u",
			udrv_slot_str(slot, s), write ? "write" : "read", offset,
			bytes);
	if (err == EACCES && write)
		return udrv_fail_append(WD_ACCESS_DENIED,
					"the agent owns these registers (BARs, ROM BAR, command decode/bus-master/INTx bits, MSI/MSI-X), or the kernel does (function-level reset, PM power state, SR-IOV, Resizable BAR, a bridge's bus numbers, windows and bridge control)");
	if (err == EBADF && write)
		return udrv_fail_append(WD_ACCESS_DENIED,
					"this udrv handle was opened read-only: open it with O_RDWR (WD_Open does)");
	if (err == EPERM)
		return udrv_fail_append(WD_ACCESS_DENIED, "%s",
					write ? "config writes need the device bound to udrv and registered (WDC_PciDeviceOpen)" :
						"reading beyond the first 64 bytes needs root or a registration of the device");
	return udrv_errno_status(err);
}

uint32_t WD_CardRegister(int hWD, WD_PCI_SLOT slot, uint32_t options,
			 uint32_t *hCard)
{
	struct udrv_register r;
	char s[UDRV_SLOT_STR];
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!hCard)
		return udrv_null_arg(__func__, "hCard");
	if (!udrv_slot_valid(slot))
		return bad_slot(__func__, slot);
	if (options & ~WD_SHARED)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WD_CardRegister: unknown options 0x%x (only WD_SHARED)",
				 options & ~WD_SHARED);
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.slot = to_abi_slot(slot);
	r.options = options;
	err = udrv_ioctl(hWD, UDRV_IOC_REGISTER, &r);
	if (err)
		return udrv_ioctl_fail(err, "WD_CardRegister: %s",
				       udrv_slot_str(slot, s));
	*hCard = r.hcard;
	return WD_STATUS_SUCCESS;
}

uint32_t udrv_bad_hcard(const char *fn)
{
	return udrv_fail(WD_INVALID_HANDLE,
			 "%s: card handle 0 is not a registered card (see WD_CardRegister)",
			 fn);
}

/* The checks every call on a card with an argument structure starts with */
uint32_t udrv_check_card_call(const char *fn, int hWD, uint32_t hCard,
			      const void *arg, const char *what)
{
	if (hWD < 0)
		return udrv_bad_hwd(fn, hWD);
	if (!hCard)
		return udrv_bad_hcard(fn);
	if (!arg)
		return udrv_null_arg(fn, what);
	return WD_STATUS_SUCCESS;
}

uint32_t WD_CardUnregister(int hWD, uint32_t hCard)
{
	struct udrv_unregister u;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!hCard)
		return udrv_bad_hcard(__func__);
	memset(&u, 0, sizeof(u));
	u.size = sizeof(u);
	u.hcard = hCard;
	err = udrv_ioctl(hWD, UDRV_IOC_UNREGISTER, &u);
	/* The card's DMA buffers went with it (or were gone already). */
	if (!err || err == EBADF) {
		udrv_dma_forget(hWD, hCard);
		udrv_xlist_forget(hWD, hCard);
	}
	return err ? udrv_ioctl_fail(err, "WD_CardUnregister: card %u", hCard) :
		     WD_STATUS_SUCCESS;
}

/* Checks one command; `i` names it in a list (UINT32_MAX: a single one). */
/*
 * The message of a bad command, formatted only when one is found: this
 * check runs for every command of every batch.
 */
static uint32_t xfer_fail(uint32_t st, const char *fn, uint32_t i,
			  const char *fmt, ...) UDRV_PRINTF(4, 5);
static uint32_t xfer_fail(uint32_t st, const char *fn, uint32_t i,
			  const char *fmt, ...)
{
	char what[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (i == UINT32_MAX)
		return udrv_fail(st, "%s: %s", fn, what);
	return udrv_fail(st, "%s: command %u: %s", fn, i, what);
}

static uint32_t check_xfer(const char *fn, const WD_TRANSFER *t, uint32_t i,
			   bool allow_string)
{
	uint32_t cmd = t->cmd, w;

	if (cmd & ~UDRV_CMD_VALID_BITS)
		return xfer_fail(WD_INVALID_PARAMETER, fn, i,
				 "unknown command 0x%x", cmd);
	if (!(cmd & UDRV_CMD_XFER)) {
		if (cmd == CMD_NONE || cmd == CMD_MASK)
			return WD_STATUS_SUCCESS;
		return xfer_fail(WD_INVALID_PARAMETER, fn, i,
				 "unknown command 0x%x", cmd);
	}
	if (t->bar >= UDRV_MAX_BARS)
		return xfer_fail(WD_INVALID_PARAMETER, fn, i,
				 "BAR%u does not exist (BARs are 0-5)", t->bar);
	w = 1u << (cmd & UDRV_CMD_WIDTH_MASK);
	if (!(cmd & UDRV_CMD_MEM) && w == 8)
		return xfer_fail(WD_INVALID_PARAMETER, fn, i,
				 "there is no 64-bit I/O port access (8, 16 or 32 bits)");
	if (t->options & ~UDRV_XFER_NO_AUTOINC)
		return xfer_fail(WD_INVALID_PARAMETER, fn, i,
				 "unknown options 0x%x",
				 t->options);
	if (t->addr & (w - 1))
		return xfer_fail(WD_BAD_ALIGNMENT, fn, i,
				 "offset 0x%llx is not aligned to the %u-byte access width", (unsigned long long)t->addr, w);
	if (!(cmd & UDRV_CMD_STRING))
		return WD_STATUS_SUCCESS;
	if (!allow_string)
		return xfer_fail(WD_INVALID_PARAMETER, fn, i,
				 "string (block) commands are not allowed here");
	if (!t->bytes)
		return xfer_fail(WD_INVALID_PARAMETER, fn, i,
				 "a block of 0 bytes");
	if (t->bytes % w)
		return xfer_fail(WD_INVALID_PARAMETER, fn, i,
				 "%u bytes is not a multiple of the %u-byte access width", t->bytes, w);
	if (!t->data.buf)
		return xfer_fail(WD_INVALID_PARAMETER, fn, i,
				 "data.buf is NULL");
	return WD_STATUS_SUCCESS;
}

uint32_t WD_CardCleanupSetup(int hWD, uint32_t hCard, const WD_TRANSFER *cmds,
			     uint32_t n, uint32_t options)
{
	struct udrv_cleanup_setup cs;
	uint32_t i, st;
	int err;

	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!hCard)
		return udrv_bad_hcard(__func__);
	if (n && !cmds)
		return udrv_null_arg(__func__, "cmds");
	if (n > UDRV_MAX_CLEANUP)
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "WD_CardCleanupSetup: %u commands, at most %u",
				 n, UDRV_MAX_CLEANUP);
	if (options & ~WD_FORCE_CLEANUP)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WD_CardCleanupSetup: unknown options 0x%x (only WD_FORCE_CLEANUP)",
				 options);
	for (i = 0; i < n; i++) {
		st = check_xfer(__func__, &cmds[i], i, false);
		if (st)
			return st;
	}
	memset(&cs, 0, sizeof(cs));
	cs.size = sizeof(cs);
	cs.hcard = hCard;
	cs.num = n;
	cs.options = options;
	cs.cmds = (uintptr_t)cmds;
	err = udrv_ioctl(hWD, UDRV_IOC_CLEANUP_SETUP, &cs);
	return err ? udrv_ioctl_fail(err, "WD_CardCleanupSetup: card %u", hCard) :
		     WD_STATUS_SUCCESS;
}

uint32_t WD_Transfer(int hWD, uint32_t hCard, WD_TRANSFER *t)
{
	struct udrv_transfer tr;
	uint32_t st;
	int err;

	st = udrv_check_card_call(__func__, hWD, hCard, t, "t");
	if (st)
		return st;
	st = check_xfer(__func__, t, UINT32_MAX, true);
	if (st)
		return st;
	/* The ABI embeds the command: this copy is 32 bytes. */
	memset(&tr, 0, sizeof(tr));
	tr.size = sizeof(tr);
	tr.hcard = hCard;
	memcpy(&tr.xfer, t, sizeof(tr.xfer));
	err = udrv_ioctl(hWD, UDRV_IOC_TRANSFER, &tr);
	if (err == EACCES)
		return udrv_fail(WD_ACCESS_DENIED,
				 "WD_Transfer: BAR%u offset 0x%llx: the MSI-X table and pending-bit array may be read, not written (the kernel programs them)",
				 t->bar, (unsigned long long)t->addr);
	if (err)
		return udrv_ioctl_fail(err, "WD_Transfer: BAR%u offset 0x%llx",
				       t->bar, (unsigned long long)t->addr);
	if (!(t->cmd & (UDRV_CMD_WRITE | UDRV_CMD_STRING)))
		t->data.qw = tr.xfer.data;
	return WD_STATUS_SUCCESS;
}

/* How many of the n commands one call takes: at least one. */
static uint32_t multi_chunk(const WD_TRANSFER *t, uint32_t n)
{
	uint64_t bytes = 0;
	uint32_t i;

	for (i = 0; i < n && i < UDRV_MAX_MULTI; i++) {
		if (t[i].cmd & UDRV_CMD_STRING)
			bytes += t[i].bytes;
		if (i && bytes > UDRV_MAX_MULTI_BYTES)
			break;
	}
	return i;
}

uint32_t WD_MultiTransfer(int hWD, uint32_t hCard, WD_TRANSFER *t, uint32_t n,
			  uint32_t *done)
{
	struct udrv_multi_transfer m;
	uint32_t i, st, sum = 0;
	int err = 0;

	if (done)
		*done = 0;
	if (hWD < 0)
		return udrv_bad_hwd(__func__, hWD);
	if (!hCard)
		return udrv_bad_hcard(__func__);
	if (n && !t)
		return udrv_null_arg(__func__, "t");
	/* A list the agent checked already: equal commands, no checks here */
	if (udrv_xlist_run_cached(hWD, hCard, t, n, &sum, &st)) {
		if (done)
			*done = sum;
		return st;
	}
	for (i = 0; i < n; i++) {
		st = check_xfer(__func__, &t[i], i, true);
		if (st)
			return st;
	}
	/*
	 * Longer lists than the agent takes at once (commands, block bytes)
	 * go in several calls.
	 */
	while (sum < n && !err) {
		memset(&m, 0, sizeof(m));
		m.size = sizeof(m);
		m.hcard = hCard;
		m.num = multi_chunk(t + sum, n - sum);
		m.cmds = (uintptr_t)(t + sum);
		err = udrv_ioctl(hWD, UDRV_IOC_MULTI_TRANSFER, &m);
		if (!err)
			sum += m.num;
		else if (m.done < m.num)
			sum += m.done;
	}
	if (done)
		*done = sum;
	if (err && sum < n)
		return udrv_ioctl_fail(err, "WD_MultiTransfer: command %u of %u (BAR%u offset 0x%llx)",
				       sum, n, t[sum].bar,
				       (unsigned long long)t[sum].addr);
	if (err)
		return udrv_ioctl_fail(err, "WD_MultiTransfer");
	return WD_STATUS_SUCCESS;
}

/* ---- interrupts ---------------------------------------------------------- */

#define INT_OPTIONS	(UDRV_INT_TYPES | UDRV_INT_CMD_COPY)

/* "INTx, MSI", or "any type" for no type bit. */
static const char *int_types_str(uint32_t options, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", options & UDRV_INT_INTX ? ", INTx" : "",
		 options & UDRV_INT_MSI ? ", MSI" : "",
		 options & UDRV_INT_MSIX ? ", MSI-X" : "",
		 options & UDRV_INT_TYPES ? "" : ", any type");
	return buf + 2;
}

/*
 * The IRQ-time command list: scalar transfers checked like any other,
 * CMD_MASK only right after a read (it masks the value read), no blocks;
 * reads may OR-accumulate (WD_INT_ACCUMULATE).
 */
static uint32_t check_int_cmds(const char *fn, const WD_TRANSFER *cmds,
			       uint32_t n)
{
	bool have_read = false;
	uint32_t i, st;

	for (i = 0; i < n; i++) {
		const WD_TRANSFER *t = &cmds[i];

		if (t->cmd == CMD_MASK) {
			if (!have_read)
				return xfer_fail(WD_INVALID_PARAMETER, fn, i,
						 "CMD_MASK must follow a read command (it masks the value read)");
			if (t->options)
				return xfer_fail(WD_INVALID_PARAMETER, fn, i,
						 "CMD_MASK takes no options (0x%x)",
						 t->options);
			if (!t->data.qw)
				return xfer_fail(WD_INVALID_PARAMETER, fn, i,
						 "CMD_MASK with mask 0 would reject every interrupt");
			continue;
		}
		have_read = (t->cmd & UDRV_CMD_XFER) &&
			    !(t->cmd & UDRV_CMD_WRITE);
		if (t->options & WD_INT_ACCUMULATE) {
			WD_TRANSFER plain = *t;

			if (!have_read)
				return xfer_fail(WD_INVALID_PARAMETER, fn, i,
						 "WD_INT_ACCUMULATE applies to read commands only");
			plain.options &= ~WD_INT_ACCUMULATE;
			st = check_xfer(fn, &plain, i, false);
		} else {
			st = check_xfer(fn, t, i, false);
		}
		if (st)
			return st;
	}
	return WD_STATUS_SUCCESS;
}

static uint32_t int_enable_fail(int err, uint32_t hCard, uint32_t options)
{
	char types[32];

	switch (err) {
	case EBUSY:
		return udrv_ioctl_fail(err, "WD_IntEnable: card %u: interrupts are already enabled on this device (one enablement per device)",
				       hCard);
	case ENXIO:
		return udrv_ioctl_fail(err, "WD_IntEnable: card %u: none of the accepted types (%s) could be enabled",
				       hCard, int_types_str(options, types,
							    sizeof(types)));
	case EOPNOTSUPP:
		return udrv_fail(WD_KERPLUG_FAILURE,
				 "WD_IntEnable: card %u: the Kernel PlugIn has no funcIntEnable, or no handler (funcIntAtIrql for INTx, funcIntAtIrqlMSI for MSI/MSI-X)",
				 hCard);
	case ECONNREFUSED:
		return udrv_fail(WD_KERPLUG_FAILURE,
				 "WD_IntEnable: card %u: the Kernel PlugIn's funcIntEnable returned false",
				 hCard);
	case EBADF:
		return udrv_ioctl_fail(err, "WD_IntEnable: card %u (or its Kernel PlugIn handle) is not open on this handle",
				       hCard);
	default:
		return udrv_ioctl_fail(err, "WD_IntEnable: card %u", hCard);
	}
}

uint32_t WD_IntEnable(int hWD, uint32_t hCard, WD_INTERRUPT *intr)
{
	struct udrv_int_enable e;
	uint32_t st;
	int err;

	st = udrv_check_card_call(__func__, hWD, hCard, intr, "intr");
	if (st)
		return st;
	if (intr->options & ~INT_OPTIONS)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WD_IntEnable: unknown options 0x%x (INTERRUPT_LEVEL_SENSITIVE, INTERRUPT_MESSAGE, INTERRUPT_MESSAGE_X, INTERRUPT_CMD_COPY)",
				 intr->options & ~INT_OPTIONS);
	if (intr->hKernelPlugIn && intr->num_cmds)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WD_IntEnable: with a Kernel PlugIn (hKernelPlugIn %u) no transfer commands run: its funcIntAtIrql acknowledges the device (num_cmds must be 0)",
				 intr->hKernelPlugIn);
	if (!intr->hKernelPlugIn && (intr->kp_size || intr->kp_data ||
				     intr->kp_message))
		return udrv_fail(WD_INVALID_PARAMETER,
				 "WD_IntEnable: kp_message, kp_data and kp_size are for a Kernel PlugIn: hKernelPlugIn is 0");
	if (intr->hKernelPlugIn) {
		if (!intr->kp_data && intr->kp_size)
			return udrv_fail(WD_INVALID_PARAMETER,
					 "WD_IntEnable: kp_data is NULL but kp_size is %u",
					 intr->kp_size);
		if (intr->kp_size > UDRV_KP_MAX_INT_DATA)
			return udrv_fail(WD_INVALID_PARAMETER,
					 "WD_IntEnable: kp_data of %u bytes is over the limit of %u",
					 intr->kp_size, UDRV_KP_MAX_INT_DATA);
	}
	if (intr->num_cmds && !intr->cmds)
		return udrv_null_arg(__func__, "cmds");
	if (intr->num_cmds > UDRV_MAX_INT_CMDS)
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "WD_IntEnable: %u interrupt commands, at most %u",
				 intr->num_cmds, UDRV_MAX_INT_CMDS);
	st = check_int_cmds(__func__, intr->cmds, intr->num_cmds);
	if (st)
		return st;
	memset(&e, 0, sizeof(e));
	e.size = sizeof(e);
	e.hcard = hCard;
	e.options = intr->options;
	e.num_cmds = intr->num_cmds;
	e.cmds = (uintptr_t)intr->cmds;
	e.hkp = intr->hKernelPlugIn;
	if (e.hkp) {
		e.kp_message = intr->kp_message;
		e.kp_data = (uintptr_t)intr->kp_data;
		e.kp_size = intr->kp_size;
	}
	err = udrv_ioctl(hWD, UDRV_IOC_INT_ENABLE, &e);
	if (err)
		return int_enable_fail(err, hCard, intr->options);
	intr->hInterrupt = hCard;	/* interrupts are named by their card */
	intr->enabled_type = e.enabled_type;
	intr->count = 0;
	intr->lost = 0;
	intr->stopped = 0;
	intr->last_message = 0;
	intr->vectors = 0;
	intr->kp_count = 0;
	return WD_STATUS_SUCCESS;
}

/* Checks common to the calls on an enabled interrupt. */
static uint32_t check_intr(const char *fn, int hWD, const WD_INTERRUPT *intr)
{
	if (hWD < 0)
		return udrv_bad_hwd(fn, hWD);
	if (!intr)
		return udrv_null_arg(fn, "intr");
	if (!intr->hInterrupt)
		return udrv_fail(WD_INTERRUPT_NOT_ENABLED,
				 "%s: hInterrupt is 0: interrupts are not enabled (WD_IntEnable first)",
				 fn);
	return WD_STATUS_SUCCESS;
}

static void int_wait_arg(struct udrv_int_wait *w, const WD_INTERRUPT *intr,
			 uint32_t timeout_ms)
{
	memset(w, 0, sizeof(*w));
	w->size = sizeof(*w);
	w->hcard = intr->hInterrupt;
	w->timeout_ms = timeout_ms;
	/* Where INTERRUPT_CMD_COPY puts the values read at IRQ time. */
	if (intr->cmds) {
		w->num_cmds = intr->num_cmds < UDRV_MAX_INT_CMDS ?
			      intr->num_cmds : UDRV_MAX_INT_CMDS;
		w->cmds = (uintptr_t)intr->cmds;
	}
}

static void int_result(WD_INTERRUPT *intr, const struct udrv_int_wait *w)
{
	intr->count = w->count;
	intr->lost = w->lost;
	intr->stopped = w->stopped;
	intr->last_message = w->last_message;
	intr->vectors = w->vectors;
	intr->enabled_type = w->enabled_type;
	intr->kp_count = w->kp_count;
}

static uint32_t int_fail(int err, const char *fn, uint32_t hcard)
{
	if (err == ENOTCONN)
		return udrv_fail(WD_INTERRUPT_NOT_ENABLED,
				 "%s: interrupts are not enabled on card %u (WD_IntEnable first)",
				 fn, hcard);
	return udrv_ioctl_fail(err, "%s: card %u", fn, hcard);
}

static uint32_t elapsed_ms(const struct timespec *t0)
{
	struct timespec t;
	int64_t ms;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &t);
	ms = (int64_t)(t.tv_sec - t0->tv_sec) * 1000 +
	     (t.tv_nsec - t0->tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > UINT32_MAX ? UINT32_MAX : (uint32_t)ms;
}

uint32_t WD_IntWait(int hWD, WD_INTERRUPT *intr, uint32_t timeout_ms)
{
	struct udrv_int_wait w;
	struct timespec t0;
	uint32_t st, spent;
	int err;

	st = check_intr(__func__, hWD, intr);
	if (st)
		return st;
	int_wait_arg(&w, intr, timeout_ms);
	if (timeout_ms)
		clock_gettime(CLOCK_MONOTONIC_COARSE, &t0);
	for (;;) {
		err = udrv_test_ioctl ?
		      udrv_test_ioctl(hWD, UDRV_IOC_INT_WAIT, &w) :
		      ioctl(hWD, UDRV_IOC_INT_WAIT, &w);
		err = err < 0 ? errno : 0;
		if (err != EINTR)
			break;
		/*
		 * A wait clears `vectors` when it consumes interrupts, so a
		 * non-zero mask means this interrupted wait took some: they
		 * must be reported, not waited for again.
		 */
		if (w.vectors || w.stopped) {
			err = 0;
			break;
		}
		/* A signal: wait again for what is left of the timeout. */
		if (timeout_ms) {
			spent = elapsed_ms(&t0);
			w.timeout_ms = spent < timeout_ms ? timeout_ms - spent :
							    1;
		}
	}
	/* Same for an interrupt that arrived as the timeout expired. */
	if (err == ETIMEDOUT && (w.vectors || w.stopped))
		err = 0;
	if (!err || err == ETIMEDOUT)
		int_result(intr, &w);
	if (!err)
		return WD_STATUS_SUCCESS;
	if (err == ETIMEDOUT)
		return udrv_fail(WD_TIME_OUT,
				 "WD_IntWait: no interrupt on card %u within %u ms",
				 intr->hInterrupt, timeout_ms);
	return int_fail(err, __func__, intr->hInterrupt);
}

uint32_t WD_IntCount(int hWD, WD_INTERRUPT *intr)
{
	struct udrv_int_wait w;
	uint32_t st;
	int err;

	st = check_intr(__func__, hWD, intr);
	if (st)
		return st;
	int_wait_arg(&w, intr, 0);
	err = udrv_ioctl(hWD, UDRV_IOC_INT_COUNT, &w);
	if (err)
		return int_fail(err, __func__, intr->hInterrupt);
	int_result(intr, &w);
	return WD_STATUS_SUCCESS;
}

uint32_t WD_IntDisable(int hWD, WD_INTERRUPT *intr)
{
	struct udrv_int_disable d;
	uint32_t st;
	int err;

	st = check_intr(__func__, hWD, intr);
	if (st)
		return st;
	memset(&d, 0, sizeof(d));
	d.size = sizeof(d);
	d.hcard = intr->hInterrupt;
	err = udrv_ioctl(hWD, UDRV_IOC_INT_DISABLE, &d);
	if (err == EALREADY)
		return udrv_fail(WD_OPERATION_ALREADY_DONE,
				 "WD_IntDisable: interrupts of card %u are already disabled",
				 intr->hInterrupt);
	return err ? udrv_ioctl_fail(err, "WD_IntDisable: card %u",
				     intr->hInterrupt) : WD_STATUS_SUCCESS;
}

static int int_fd(const char *fn, int hWD, WD_INTERRUPT *intr,
		  uint32_t flags)
{
	struct udrv_int_fd r;
	int err;

	if (check_intr(fn, hWD, intr)) {
		errno = hWD < 0 ? EBADF : !intr ? EINVAL : ENOTCONN;
		return -1;
	}
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.hcard = intr->hInterrupt;
	r.flags = flags;
	err = udrv_ioctl(hWD, UDRV_IOC_INT_FD, &r);
	if (err) {
		int_fail(err, fn, intr->hInterrupt);
		errno = err;
		return -1;
	}
	return r.fd;
}

int WD_IntFd(int hWD, WD_INTERRUPT *intr)
{
	return int_fd(__func__, hWD, intr, 0);
}

int WD_IntStatusFd(int hWD, WD_INTERRUPT *intr)
{
	return int_fd(__func__, hWD, intr, UDRV_INT_FD_STATUS);
}

uint32_t WD_IntWaitFd(int fd, WD_INTERRUPT *intr)
{
	struct {
		struct udrv_int_status s;
		uint64_t vals[UDRV_MAX_INT_CMDS];
	} r;
	uint32_t i, room = 0;
	ssize_t got;

	if (fd < 0)
		return udrv_fail(WD_INVALID_HANDLE,
				 "WD_IntWaitFd: descriptor %d (from WD_IntStatusFd)",
				 fd);
	if (!intr)
		return udrv_null_arg(__func__, "intr");
	if (intr->cmds)
		room = intr->num_cmds < UDRV_MAX_INT_CMDS ? intr->num_cmds :
							    UDRV_MAX_INT_CMDS;
	do
		got = read(fd, &r, sizeof(r.s) + room * sizeof(r.vals[0]));
	while (got < 0 && errno == EINTR);	/* nothing was consumed */
	if (got < 0)
		return udrv_ioctl_fail(errno, "WD_IntWaitFd: descriptor %d", fd);
	if ((size_t)got < sizeof(r.s))
		return udrv_fail(WD_INVALID_HANDLE,
				 "WD_IntWaitFd: descriptor %d returned %zd bytes: not one of WD_IntStatusFd",
				 fd, got);
	/* The values of the IRQ-time reads go where WD_IntWait puts them */
	for (i = 0; i < (got - sizeof(r.s)) / sizeof(r.vals[0]); i++) {
		WD_TRANSFER *t = &intr->cmds[i];

		if ((t->cmd & UDRV_CMD_XFER) && !(t->cmd & UDRV_CMD_WRITE))
			memcpy(&t->data, &r.vals[i], sizeof(r.vals[i]));
	}
	intr->count = r.s.count;
	intr->lost = r.s.lost;
	intr->stopped = r.s.stopped;
	intr->last_message = r.s.last_message;
	intr->vectors = r.s.vectors;
	intr->enabled_type = r.s.enabled_type;
	intr->kp_count = r.s.kp_count;
	return WD_STATUS_SUCCESS;
}
