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

/* 0 or the errno of the failed ioctl. */
static int do_ioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do {
		r = udrv_test_ioctl ? udrv_test_ioctl(fd, req, arg) :
				      ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR);
	return r < 0 ? errno : 0;
}

/* "<what>: <status text> (EXXX from the agent)" */
static uint32_t ioctl_fail(int err, const char *fmt, ...) UDRV_PRINTF(2, 3);
static uint32_t ioctl_fail(int err, const char *fmt, ...)
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

static uint32_t bad_hwd(const char *fn, int hWD)
{
	return udrv_fail(WD_INVALID_HANDLE,
			 "%s: invalid udrv handle %d (open it with WD_Open)",
			 fn, hWD);
}

static uint32_t null_arg(const char *fn, const char *what)
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
		return null_arg(__func__, "hWD");
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
					 "WD_Open: %s: %s: run as root or ask for access to %s (a udev rule can grant a group)",
					 path, strerror(err), path);
		return udrv_fail(WD_OPERATION_FAILED, "WD_Open: %s: %s",
				 path, strerror(err));
	}
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	err = do_ioctl(fd, UDRV_IOC_VERSION, &v);
	if (err) {
		close(fd);
		if (err == ENOTTY || err == EINVAL || err == EMSGSIZE)
			return udrv_fail(WD_INCORRECT_VERSION,
					 "WD_Open: %s does not answer the udrv version request (%s): not the udrv agent, or an incompatible one",
					 path, strerror(err));
		return ioctl_fail(err, "WD_Open: %s", path);
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
	if (hWD >= 0)
		close(hWD);
}

uint32_t WD_Version(int hWD, uint32_t *version, char *text, size_t textlen)
{
	struct udrv_version v;
	int err;

	if (hWD < 0)
		return bad_hwd(__func__, hWD);
	if (!version)
		return null_arg(__func__, "version");
	if (!text && textlen)
		return null_arg(__func__, "text");
	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	err = do_ioctl(hWD, UDRV_IOC_VERSION, &v);
	if (err)
		return ioctl_fail(err, "WD_Version");
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
		return bad_hwd(__func__, hWD);
	if (!found)
		return null_arg(__func__, "found");
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
	err = do_ioctl(hWD, UDRV_IOC_SCAN, &sc);
	if (err) {
		free(ents);
		return ioctl_fail(err, "WD_PciScanCards");
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
		return bad_hwd(__func__, hWD);
	if (!info)
		return null_arg(__func__, "info");
	slot = info->slot;
	if (!udrv_slot_valid(slot))
		return bad_slot(__func__, slot);
	memset(&ci, 0, sizeof(ci));
	ci.size = sizeof(ci);
	ci.slot = to_abi_slot(slot);
	err = do_ioctl(hWD, UDRV_IOC_CARD_INFO, &ci);
	if (err) {
		char s[UDRV_SLOT_STR];

		return ioctl_fail(err, "WD_PciGetCardInfo: %s",
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
		return bad_hwd(__func__, hWD);
	if (!udrv_slot_valid(slot))
		return bad_slot(__func__, slot);
	if (!buf)
		return null_arg(__func__, "buf");
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
	err = do_ioctl(hWD, UDRV_IOC_CONFIG, &c);
	if (!err)
		return WD_STATUS_SUCCESS;
	ioctl_fail(err, "WD_PciConfigDump: %s config %s at 0x%x + %u",
		   udrv_slot_str(slot, s), write ? "write" : "read", offset,
		   bytes);
	if (err == EACCES && write)
		return udrv_fail_append(WD_ACCESS_DENIED,
					"the agent owns these registers (BARs, ROM BAR, command decode/bus-master bits, MSI/MSI-X)");
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
		return bad_hwd(__func__, hWD);
	if (!hCard)
		return null_arg(__func__, "hCard");
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
	err = do_ioctl(hWD, UDRV_IOC_REGISTER, &r);
	if (err)
		return ioctl_fail(err, "WD_CardRegister: %s",
				  udrv_slot_str(slot, s));
	*hCard = r.hcard;
	return WD_STATUS_SUCCESS;
}

static uint32_t bad_hcard(const char *fn)
{
	return udrv_fail(WD_INVALID_HANDLE,
			 "%s: card handle 0 is not a registered card (see WD_CardRegister)",
			 fn);
}

uint32_t WD_CardUnregister(int hWD, uint32_t hCard)
{
	struct udrv_unregister u;
	int err;

	if (hWD < 0)
		return bad_hwd(__func__, hWD);
	if (!hCard)
		return bad_hcard(__func__);
	memset(&u, 0, sizeof(u));
	u.size = sizeof(u);
	u.hcard = hCard;
	err = do_ioctl(hWD, UDRV_IOC_UNREGISTER, &u);
	return err ? ioctl_fail(err, "WD_CardUnregister: card %u", hCard) :
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
		return bad_hwd(__func__, hWD);
	if (!hCard)
		return bad_hcard(__func__);
	if (n && !cmds)
		return null_arg(__func__, "cmds");
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
	err = do_ioctl(hWD, UDRV_IOC_CLEANUP_SETUP, &cs);
	return err ? ioctl_fail(err, "WD_CardCleanupSetup: card %u", hCard) :
		     WD_STATUS_SUCCESS;
}

uint32_t WD_Transfer(int hWD, uint32_t hCard, WD_TRANSFER *t)
{
	struct udrv_transfer tr;
	uint32_t st;
	int err;

	if (hWD < 0)
		return bad_hwd(__func__, hWD);
	if (!hCard)
		return bad_hcard(__func__);
	if (!t)
		return null_arg(__func__, "t");
	st = check_xfer(__func__, t, UINT32_MAX, true);
	if (st)
		return st;
	/* The ABI embeds the command: this copy is 32 bytes. */
	memset(&tr, 0, sizeof(tr));
	tr.size = sizeof(tr);
	tr.hcard = hCard;
	memcpy(&tr.xfer, t, sizeof(tr.xfer));
	err = do_ioctl(hWD, UDRV_IOC_TRANSFER, &tr);
	if (err)
		return ioctl_fail(err, "WD_Transfer: BAR%u offset 0x%llx",
				  t->bar, (unsigned long long)t->addr);
	if (!(t->cmd & (UDRV_CMD_WRITE | UDRV_CMD_STRING)))
		t->data.qw = tr.xfer.data;
	return WD_STATUS_SUCCESS;
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
		return bad_hwd(__func__, hWD);
	if (!hCard)
		return bad_hcard(__func__);
	if (n && !t)
		return null_arg(__func__, "t");
	for (i = 0; i < n; i++) {
		st = check_xfer(__func__, &t[i], i, true);
		if (st)
			return st;
	}
	/* Longer lists than the agent takes at once go in several calls. */
	while (sum < n && !err) {
		memset(&m, 0, sizeof(m));
		m.size = sizeof(m);
		m.hcard = hCard;
		m.num = n - sum < UDRV_MAX_MULTI ? n - sum : UDRV_MAX_MULTI;
		m.cmds = (uintptr_t)(t + sum);
		err = do_ioctl(hWD, UDRV_IOC_MULTI_TRANSFER, &m);
		if (!err)
			sum += m.num;
		else if (m.done < m.num)
			sum += m.done;
	}
	if (done)
		*done = sum;
	if (err && sum < n)
		return ioctl_fail(err, "WD_MultiTransfer: command %u of %u (BAR%u offset 0x%llx)",
				  sum, n, t[sum].bar,
				  (unsigned long long)t[sum].addr);
	if (err)
		return ioctl_fail(err, "WD_MultiTransfer");
	return WD_STATUS_SUCCESS;
}
