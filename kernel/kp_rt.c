// SPDX-License-Identifier: GPL-2.0
/*
 * kp_rt.c: what a Kernel PlugIn may call in the kernel: the WDC_ accessors
 * of include/udrv/wdc_access.h on its WDC_DEVICE_HANDLE, and the kp_
 * runtime of include/udrv/kp.h.
 *
 * The accessors check their arguments with common/wdc_check.h, the very
 * checks libudrv makes in user mode, and report a failure with a
 * rate-limited log line and its WD_ status.  They take no lock and do not
 * sleep (they will run in interrupt handlers): a handle's BARs stay mapped
 * while it is open, since removal closes every handle first.  The config
 * accessors go through the CONFIG ioctl's path and filters; writes take
 * the device's mutex and may sleep, so in atomic context only reads work.
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include "kp_dev.h"
#include "regs.h"

/* The KP whose check is running on this CPU, for udrv_kp_check_fail() */
static DEFINE_PER_CPU(const char *, udrv_kp_checking);

u32 udrv_kp_check_fail(u32 status, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;
	const char *name = this_cpu_read(udrv_kp_checking);

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_warn_ratelimited("udrv: kp %s: %pV", name ? name : "?", &vaf);
	va_end(args);
	return status;
}

/* Names the KP for the checks' messages; nests (interrupt handlers). */
static const char *udrv_kp_enter(const struct WDC_DEVICE *d)
{
	const char *prev;

	preempt_disable();
	prev = this_cpu_read(udrv_kp_checking);
	this_cpu_write(udrv_kp_checking, d->name);
	return prev;
}

static void udrv_kp_leave(const char *prev)
{
	this_cpu_write(udrv_kp_checking, prev);
	preempt_enable();
}

/* A handle the KP may use: not NULL, not closed. */
static u32 udrv_kp_usable(const struct WDC_DEVICE *d, const char *fn)
{
	if (!d) {
		pr_warn_ratelimited("udrv: kp: %s: device handle is NULL\n", fn);
		return WD_INVALID_HANDLE;
	}
	if (READ_ONCE(d->closed)) {
		pr_warn_ratelimited("udrv: kp %s: %s: the handle is closed (funcClose ran)\n",
				    d->name, fn);
		return WD_INVALID_HANDLE;
	}
	return WD_STATUS_SUCCESS;
}

/* The MSI-X table and PBA are the agent's, as for transfers. */
static u32 udrv_kp_protected(const struct WDC_DEVICE *d, const char *fn,
			     u32 bar, u64 off, u64 span)
{
	if (!udrv_range_protected(d->dev, bar, off, span))
		return WD_STATUS_SUCCESS;
	pr_warn_ratelimited("udrv: kp %s: %s: BAR%u offset 0x%llx + %llu is the MSI-X table or PBA, which the agent owns\n",
			    d->name, fn, bar, off, span);
	return WD_ACCESS_DENIED;
}

/* Every valid access passes this; anything else takes the slow path. */
static inline bool udrv_kp_fast_ok(const struct WDC_DEVICE *d, u32 bar,
				   u64 off, u32 w)
{
	const struct udrv_check_bar *b;

	if (!d || bar >= UDRV_CHECK_NBARS || READ_ONCE(d->closed))
		return false;
	b = &d->bars[bar];
	return b->len && !(w == 8 && b->io) && off < b->len &&
	       w <= b->len - off && !(off & (w - 1));
}

static u32 udrv_kp_slow(const struct WDC_DEVICE *d, const char *fn, u32 bar,
			u64 off, u32 w)
{
	const char *prev;
	u32 st;

	st = udrv_kp_usable(d, fn);
	if (st)
		return st;
	prev = udrv_kp_enter(d);
	st = udrv_check_access(fn, d->who, d->bars, bar, off, w, w);
	udrv_kp_leave(prev);
	return st;
}

static u32 udrv_kp_rd(WDC_DEVICE_HANDLE d, const char *fn, u32 bar, u64 off,
		      u32 w, u64 *v)
{
	u32 st;

	if (unlikely(!udrv_kp_fast_ok(d, bar, off, w))) {
		st = udrv_kp_slow(d, fn, bar, off, w);
		if (st)
			return st;
	}
	*v = udrv_read(d->va[bar] + off, w);
	return WD_STATUS_SUCCESS;
}

static u32 udrv_kp_wr(WDC_DEVICE_HANDLE d, const char *fn, u32 bar, u64 off,
		      u32 w, u64 v)
{
	u32 st;

	if (unlikely(!udrv_kp_fast_ok(d, bar, off, w))) {
		st = udrv_kp_slow(d, fn, bar, off, w);
		if (st)
			return st;
	}
	st = udrv_kp_protected(d, fn, bar, off, w);
	if (st)
		return st;
	udrv_write(d->va[bar] + off, w, v);
	return WD_STATUS_SUCCESS;
}

/* A NULL val is refused like every other argument. */
static u32 udrv_kp_get(WDC_DEVICE_HANDLE d, const char *fn, u32 bar, u64 off,
		      u32 w, u64 *v, const void *val)
{
	if (!val) {
		pr_warn_ratelimited("udrv: kp: %s: val is NULL\n", fn);
		return WD_INVALID_PARAMETER;
	}
	return udrv_kp_rd(d, fn, bar, off, w, v);
}

uint32_t WDC_ReadAddr8(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
		       uint8_t *val)
{
	u64 v;
	u32 st = udrv_kp_get(dev, __func__, bar, off, 1, &v, val);

	if (!st)
		*val = v;
	return st;
}
EXPORT_SYMBOL_NS_GPL(WDC_ReadAddr8, UDRV);

uint32_t WDC_WriteAddr8(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			uint8_t val)
{
	return udrv_kp_wr(dev, __func__, bar, off, 1, val);
}
EXPORT_SYMBOL_NS_GPL(WDC_WriteAddr8, UDRV);

uint32_t WDC_ReadAddr16(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			uint16_t *val)
{
	u64 v;
	u32 st = udrv_kp_get(dev, __func__, bar, off, 2, &v, val);

	if (!st)
		*val = v;
	return st;
}
EXPORT_SYMBOL_NS_GPL(WDC_ReadAddr16, UDRV);

uint32_t WDC_WriteAddr16(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			 uint16_t val)
{
	return udrv_kp_wr(dev, __func__, bar, off, 2, val);
}
EXPORT_SYMBOL_NS_GPL(WDC_WriteAddr16, UDRV);

uint32_t WDC_ReadAddr32(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			uint32_t *val)
{
	u64 v;
	u32 st = udrv_kp_get(dev, __func__, bar, off, 4, &v, val);

	if (!st)
		*val = v;
	return st;
}
EXPORT_SYMBOL_NS_GPL(WDC_ReadAddr32, UDRV);

uint32_t WDC_WriteAddr32(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			 uint32_t val)
{
	return udrv_kp_wr(dev, __func__, bar, off, 4, val);
}
EXPORT_SYMBOL_NS_GPL(WDC_WriteAddr32, UDRV);

uint32_t WDC_ReadAddr64(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			uint64_t *val)
{
	u64 v;
	u32 st = udrv_kp_get(dev, __func__, bar, off, 8, &v, val);

	if (!st)
		*val = v;
	return st;
}
EXPORT_SYMBOL_NS_GPL(WDC_ReadAddr64, UDRV);

uint32_t WDC_WriteAddr64(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			 uint64_t val)
{
	return udrv_kp_wr(dev, __func__, bar, off, 8, val);
}
EXPORT_SYMBOL_NS_GPL(WDC_WriteAddr64, UDRV);

static u32 udrv_kp_block(const char *fn, WDC_DEVICE_HANDLE d, u32 bar,
			 u64 off, size_t bytes, u8 *buf, u32 w, u32 options,
			 bool write)
{
	bool fifo = options & WDC_NO_AUTOINC;
	u64 span = udrv_block_span(bytes, w, fifo);
	void __iomem *p;
	const char *prev;
	size_t i;
	u32 st;

	st = udrv_kp_usable(d, fn);
	if (st)
		return st;
	prev = udrv_kp_enter(d);
	st = udrv_check_block(fn, bytes, buf, w, options, WDC_NO_AUTOINC);
	if (!st)
		st = udrv_check_access(fn, d->who, d->bars, bar, off, span, w);
	udrv_kp_leave(prev);
	if (!st && write)
		st = udrv_kp_protected(d, fn, bar, off, span);
	if (st)
		return st;
	p = d->va[bar] + off;
	for (i = 0; i < bytes; i += w) {
		void __iomem *at = fifo ? p : p + i;
		u64 v = 0;

		if (write) {
			memcpy(&v, buf + i, w);
			udrv_write(at, w, v);
		} else {
			v = udrv_read(at, w);
			memcpy(buf + i, &v, w);
		}
	}
	return WD_STATUS_SUCCESS;
}

uint32_t WDC_ReadAddrBlock(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			   size_t bytes, void *buf, uint32_t width,
			   uint32_t options)
{
	return udrv_kp_block(__func__, dev, bar, off, bytes, buf, width,
			     options, false);
}
EXPORT_SYMBOL_NS_GPL(WDC_ReadAddrBlock, UDRV);

uint32_t WDC_WriteAddrBlock(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			    size_t bytes, const void *buf, uint32_t width,
			    uint32_t options)
{
	/* Only read from when writing. */
	return udrv_kp_block(__func__, dev, bar, off, bytes, (u8 *)buf, width,
			     options, true);
}
EXPORT_SYMBOL_NS_GPL(WDC_WriteAddrBlock, UDRV);

/* xfer.c's errnos, as the library maps them */
static u32 udrv_kp_xfer_status(int err, const char **why)
{
	switch (err) {
	case -ERANGE:
		*why = "outside the BAR";
		return WD_OUT_OF_RANGE;
	case -EILSEQ:
		*why = "not aligned to the access width";
		return WD_BAD_ALIGNMENT;
	case -EACCES:
		*why = "writes the MSI-X table or PBA, which the agent owns";
		return WD_ACCESS_DENIED;
	default:
		*why = "invalid command, BAR, width, options or size";
		return WD_INVALID_PARAMETER;
	}
}

/*
 * The transfer engine of the MULTI_TRANSFER ioctl (xfer.c) on a kernel
 * array; string commands move t->data.buf, a kernel pointer here.  Stops
 * at the first failing command.
 */
uint32_t WDC_MultiTransfer(WDC_DEVICE_HANDLE dev, WD_TRANSFER t[], uint32_t n)
{
	const char *why;
	u32 i, st;
	int err;

	st = udrv_kp_usable(dev, __func__);
	if (st)
		return st;
	if (n && !t) {
		pr_warn_ratelimited("udrv: kp %s: %s: t is NULL\n", dev->name,
				    __func__);
		return WD_INVALID_PARAMETER;
	}
	for (i = 0; i < n; i++) {
		struct udrv_xfer x = {
			.addr = t[i].addr,
			.bar = t[i].bar,
			.cmd = t[i].cmd,
			.bytes = t[i].bytes,
			.options = t[i].options,
		};
		bool string = x.cmd & UDRV_CMD_STRING;

		if (!string)
			x.data = t[i].data.qw;
		err = udrv_xfer_check(dev->dev, &x, true);
		if (!err && string && !t[i].data.buf)
			err = -EINVAL;
		if (err) {
			st = udrv_kp_xfer_status(err, &why);
			pr_warn_ratelimited("udrv: kp %s: %s: command %u of %u (BAR%u offset 0x%llx): %s\n",
					    dev->name, __func__, i, n, x.bar,
					    x.addr, why);
			return st;
		}
		if (string) {
			udrv_xfer_chunk(dev->dev, &x, 0, t[i].data.buf,
					x.bytes);
		} else {
			udrv_xfer_scalar(dev->dev, &x);
			if ((x.cmd & UDRV_CMD_XFER) &&
			    !(x.cmd & UDRV_CMD_WRITE))
				t[i].data.qw = x.data;
		}
	}
	return WD_STATUS_SUCCESS;
}
EXPORT_SYMBOL_NS_GPL(WDC_MultiTransfer, UDRV);

static u32 udrv_kp_cfg(const char *fn, WDC_DEVICE_HANDLE d, u32 off,
		       void *buf, u32 bytes, bool write)
{
	const char *prev, *why;
	u32 st;
	int err;

	st = udrv_kp_usable(d, fn);
	if (st)
		return st;
	prev = udrv_kp_enter(d);
	st = udrv_check_cfg(fn, off, buf, bytes);
	udrv_kp_leave(prev);
	if (st)
		return st;
	/*
	 * In an interrupt handler (or under a kp_spinlock) a read takes the
	 * non-sleeping path; a write, which takes the device's mutex to
	 * serialise with the agent's own command-register updates, is
	 * refused there.
	 */
	if (!in_task() || irqs_disabled())
		err = write ? -EWOULDBLOCK :
			      udrv_cfg_read_atomic(d->dev, off, bytes, buf);
	else
		err = udrv_cfg_owned_rw(d->uf, d->dev, off, bytes, buf, write);
	if (!err)
		return WD_STATUS_SUCCESS;
	switch (err) {
	case -EWOULDBLOCK:
		why = "config writes need process context (funcOpen, funcCall, funcIntEnable, funcIntAtDpc*, ...), not an interrupt handler or a held kp_spinlock";
		st = WD_OPERATION_FAILED;
		break;
	case -ERANGE:
		why = "beyond the device's config space";
		st = WD_OUT_OF_RANGE;
		break;
	case -EACCES:
		why = "a register the agent or the kernel owns";
		st = WD_ACCESS_DENIED;
		break;
	case -EPERM:
		why = "the device is no longer registered";
		st = WD_ACCESS_DENIED;
		break;
	default:
		why = "the config access failed";
		st = WD_OPERATION_FAILED;
		break;
	}
	pr_warn_ratelimited("udrv: kp %s: %s: %u bytes at 0x%x: %s\n", d->name,
			    fn, bytes, off, why);
	return st;
}

uint32_t WDC_PciReadCfg(WDC_DEVICE_HANDLE dev, uint32_t off, void *buf,
			uint32_t bytes)
{
	return udrv_kp_cfg(__func__, dev, off, buf, bytes, false);
}
EXPORT_SYMBOL_NS_GPL(WDC_PciReadCfg, UDRV);

uint32_t WDC_PciWriteCfg(WDC_DEVICE_HANDLE dev, uint32_t off, const void *buf,
			 uint32_t bytes)
{
	/* Only read from when writing. */
	return udrv_kp_cfg(__func__, dev, off, (void *)buf, bytes, true);
}
EXPORT_SYMBOL_NS_GPL(WDC_PciWriteCfg, UDRV);

uint32_t WDC_PciReadCfg8(WDC_DEVICE_HANDLE dev, uint32_t off, uint8_t *val)
{
	return udrv_kp_cfg(__func__, dev, off, val, 1, false);
}
EXPORT_SYMBOL_NS_GPL(WDC_PciReadCfg8, UDRV);

/* Config space is little-endian. */
uint32_t WDC_PciReadCfg16(WDC_DEVICE_HANDLE dev, uint32_t off, uint16_t *val)
{
	__le16 le;
	u32 st;

	st = udrv_kp_cfg(__func__, dev, off, val ? &le : NULL, 2, false);
	if (!st)
		*val = le16_to_cpu(le);
	return st;
}
EXPORT_SYMBOL_NS_GPL(WDC_PciReadCfg16, UDRV);

uint32_t WDC_PciReadCfg32(WDC_DEVICE_HANDLE dev, uint32_t off, uint32_t *val)
{
	__le32 le;
	u32 st;

	st = udrv_kp_cfg(__func__, dev, off, val ? &le : NULL, 4, false);
	if (!st)
		*val = le32_to_cpu(le);
	return st;
}
EXPORT_SYMBOL_NS_GPL(WDC_PciReadCfg32, UDRV);

uint32_t WDC_PciWriteCfg8(WDC_DEVICE_HANDLE dev, uint32_t off, uint8_t val)
{
	return udrv_kp_cfg(__func__, dev, off, &val, 1, true);
}
EXPORT_SYMBOL_NS_GPL(WDC_PciWriteCfg8, UDRV);

uint32_t WDC_PciWriteCfg16(WDC_DEVICE_HANDLE dev, uint32_t off, uint16_t val)
{
	__le16 le = cpu_to_le16(val);

	return udrv_kp_cfg(__func__, dev, off, &le, 2, true);
}
EXPORT_SYMBOL_NS_GPL(WDC_PciWriteCfg16, UDRV);

uint32_t WDC_PciWriteCfg32(WDC_DEVICE_HANDLE dev, uint32_t off, uint32_t val)
{
	__le32 le = cpu_to_le32(val);

	return udrv_kp_cfg(__func__, dev, off, &le, 4, true);
}
EXPORT_SYMBOL_NS_GPL(WDC_PciWriteCfg32, UDRV);

/* funcOpen's drv_ctx; NULL while funcOpen runs. */
void *WDC_GetDevContext(WDC_DEVICE_HANDLE dev)
{
	return dev ? dev->ctx : NULL;
}
EXPORT_SYMBOL_NS_GPL(WDC_GetDevContext, UDRV);

void WDC_Barrier(void)
{
	/* A full barrier between the KP's device and memory accesses */
	mb();
}
EXPORT_SYMBOL_NS_GPL(WDC_Barrier, UDRV);

/* ---- the kp_ runtime ---------------------------------------------------- */

void *kp_malloc(size_t size)
{
	might_sleep();
	return kzalloc(size, GFP_KERNEL);
}
EXPORT_SYMBOL_NS_GPL(kp_malloc, UDRV);

void kp_free(void *p)
{
	kfree(p);
}
EXPORT_SYMBOL_NS_GPL(kp_free, UDRV);

void *kp_memcpy(void *dst, const void *src, size_t n)
{
	return memcpy(dst, src, n);
}
EXPORT_SYMBOL_NS_GPL(kp_memcpy, UDRV);

void *kp_memset(void *dst, int c, size_t n)
{
	return memset(dst, c, n);
}
EXPORT_SYMBOL_NS_GPL(kp_memset, UDRV);

void kp_printf(const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("kp: %pV", &vaf);
	va_end(args);
}
EXPORT_SYMBOL_NS_GPL(kp_printf, UDRV);

void kp_udelay(unsigned long usecs)
{
	/* udelay() takes at most a few milliseconds at once */
	while (usecs > 1000) {
		udelay(1000);
		usecs -= 1000;
	}
	udelay(usecs);
}
EXPORT_SYMBOL_NS_GPL(kp_udelay, UDRV);

/* ktime_get_ns() is user space's CLOCK_MONOTONIC */
uint64_t kp_time_ns(void)
{
	return ktime_get_ns();
}
EXPORT_SYMBOL_NS_GPL(kp_time_ns, UDRV);
