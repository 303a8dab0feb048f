// SPDX-License-Identifier: GPL-2.0
/*
 * debug.c - the debug monitor: a global ring of log records that the
 * hooks (udrv_dbg(), debug.h) write and the DEBUG_DUMP ioctl reads.
 *
 * The ring keeps the last UDRV_DEBUG_RECORDS records: a full ring
 * overwrites its oldest, as the kernel log does, so a writer never waits
 * or fails, and a reader learns how many it missed.  Each open file reads
 * from its own position (uf->dbg_seq), so a follower (udrvctl log -f) and
 * a one-off dump do not steal each other's lines.  A spinlock with
 * interrupts off guards it: hooks run in interrupt handlers too, a Kernel
 * PlugIn's among them.  User memory is touched only outside that lock.
 */
#include <linux/jump_label.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include "kp_dev.h"
#include "debug.h"

/* The WD_ names are the ABI's numbers: libudrv passes them through */
static_assert(D_TRACE == UDRV_DBG_TRACE && D_ERROR == UDRV_DBG_ERROR);
static_assert(S_IO == UDRV_DBG_S_IO && S_KER_PLUG == UDRV_DBG_S_KP &&
	      S_EVENT == UDRV_DBG_S_EVENT && S_ALL == UDRV_DBG_S_ALL);

u32 udrv_dbg_word __read_mostly;

static struct udrv_debug_record *ring;
static u64 ring_head;			/* seq of the next record */
static DEFINE_SPINLOCK(ring_lock);
static DECLARE_WAIT_QUEUE_HEAD(ring_wq);
static DEFINE_MUTEX(set_lock);		/* old and new setting, one answer */

int udrv_dbg_init(void)
{
	ring = vzalloc(array_size(UDRV_DEBUG_RECORDS, sizeof(*ring)));
	return ring ? 0 : -ENOMEM;
}

void udrv_dbg_exit(void)
{
	WRITE_ONCE(udrv_dbg_word, 0);
	vfree(ring);
	ring = NULL;
}

static u64 ring_tail(void)
{
	return ring_head > UDRV_DEBUG_RECORDS ?
	       ring_head - UDRV_DEBUG_RECORDS : 0;
}

/* A new file reads what the ring still holds, then what comes. */
void udrv_dbg_open(u64 *seq)
{
	unsigned long flags;

	spin_lock_irqsave(&ring_lock, flags);
	*seq = ring_tail();
	spin_unlock_irqrestore(&ring_lock, flags);
}

/* Under ring_lock: the next slot, stamped */
static struct udrv_debug_record *ring_slot(u32 area, u32 level)
{
	struct udrv_debug_record *r = &ring[ring_head % UDRV_DEBUG_RECORDS];

	r->seq = ring_head++;
	r->time_ns = local_clock();
	r->level = level;
	r->area = area;
	/* At interrupt time `current` is whoever was interrupted: not him */
	if (in_task()) {
		r->pid = task_tgid_nr(current);
		memcpy(r->comm, current->comm, sizeof(r->comm));
		r->comm[sizeof(r->comm) - 1] = 0;
	} else {
		r->pid = 0;
		strscpy(r->comm, "[irq]", sizeof(r->comm));
	}
	return r;
}

/* One record is one line: no control characters from a caller's text */
static void ring_finish(struct udrv_debug_record *r, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((u8)r->text[i] < 0x20 || r->text[i] == 0x7f)
			r->text[i] = '?';
	r->text[len] = 0;
	r->len = len;
}

static void ring_wake(void)
{
	if (wq_has_sleeper(&ring_wq))
		wake_up_interruptible(&ring_wq);
}

void udrv_dbg_log(u32 area, u32 level, const char *fmt, ...)
{
	struct udrv_debug_record *r;
	unsigned long flags;
	va_list args;
	size_t len;

	spin_lock_irqsave(&ring_lock, flags);
	r = ring_slot(area, level);
	va_start(args, fmt);
	len = vscnprintf(r->text, sizeof(r->text), fmt, args);
	va_end(args);
	ring_finish(r, len);
	spin_unlock_irqrestore(&ring_lock, flags);
	ring_wake();
}

static void udrv_dbg_text(u32 area, u32 level, const char *text, size_t len)
{
	struct udrv_debug_record *r;
	unsigned long flags;

	len = strnlen(text, min_t(size_t, len, UDRV_DEBUG_TEXT - 1));
	spin_lock_irqsave(&ring_lock, flags);
	r = ring_slot(area, level);
	memcpy(r->text, text, len);
	ring_finish(r, len);
	spin_unlock_irqrestore(&ring_lock, flags);
	ring_wake();
}

/* A register transfer (xfer.c); dev is NULL for a block or a bad card */
static void udrv_dbg_xfer(struct udrv_dev *dev, u32 hcard,
			  const struct udrv_xfer *x, int ret)
{
	u32 area = x->cmd & UDRV_CMD_MEM ? UDRV_DBG_S_MEM : UDRV_DBG_S_IO;
	u32 level = ret ? UDRV_DBG_WARN : UDRV_DBG_TRACE;
	const char *rw = x->cmd & UDRV_CMD_WRITE ? "write" : "read";

	if (!udrv_dbg_wants(area, level))
		return;
	if (x->cmd & UDRV_CMD_STRING)
		udrv_dbg_log(area, level,
			     "%s: card %u: %s block of %u bytes, bar %u offset 0x%llx: %d",
			     dev ? pci_name(dev->pdev) : "-", hcard, rw,
			     x->bytes, x->bar, x->addr, ret);
	else
		udrv_dbg_log(area, level,
			     "%s: card %u: %s%u bar %u offset 0x%llx = 0x%llx: %d",
			     dev ? pci_name(dev->pdev) : "-", hcard, rw,
			     8 << (x->cmd & UDRV_CMD_WIDTH_MASK), x->bar,
			     x->addr, x->data, ret);
}

/*
 * The commands of a transfer batch, once it ran: `done` succeeded (reads
 * hold their values), the next failed with `ret` if ret is set.  dev is
 * the card's device, or NULL if the batch ended without it.
 */
void udrv_dbg_xfers(struct udrv_dev *dev, u32 hcard,
		    const struct udrv_xfer *cmds, u32 done, u32 num, int ret)
{
	u32 i;

	for (i = 0; i < done; i++)
		udrv_dbg_xfer(dev, hcard, &cmds[i], 0);
	if (ret && done < num)
		udrv_dbg_xfer(dev, hcard, &cmds[done], ret);
}

long udrv_ioctl_debug_set(struct udrv_file *uf, void __user *arg)
{
	struct udrv_debug_set s;
	u32 old, w;
	int ret;

	ret = udrv_copy_arg(&s, arg, sizeof(s));
	if (ret)
		return ret;
	if (s.flags & ~UDRV_DEBUG_QUERY || s.level > UDRV_DBG_TRACE ||
	    s.areas & ~UDRV_DBG_S_ALL ||
	    (s.flags & UDRV_DEBUG_QUERY && (s.level || s.areas)))
		return -EINVAL;
	/* The ring shows what every process does with its devices */
	if (!uf->admin)
		return -EPERM;
	w = s.level && s.areas ? s.level << 8 | s.areas : 0;
	mutex_lock(&set_lock);
	old = udrv_dbg_word;
	if (!(s.flags & UDRV_DEBUG_QUERY))
		WRITE_ONCE(udrv_dbg_word, w);
	mutex_unlock(&set_lock);
	if (!(s.flags & UDRV_DEBUG_QUERY) && w != old)
		udrv_dbg(UDRV_DBG_S_MISC, UDRV_DBG_INFO,
			 "debug level %u areas 0x%02x (was %u 0x%02x)",
			 w >> 8, w & 0xff, old >> 8, old & 0xff);
	s.old_level = old >> 8;
	s.old_areas = old & 0xff;
	return copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
}

static bool dump_ready(struct udrv_file *uf)
{
	unsigned long flags;
	bool ready;

	spin_lock_irqsave(&ring_lock, flags);
	ready = ring_head != uf->dbg_seq;
	spin_unlock_irqrestore(&ring_lock, flags);
	return ready;
}

long udrv_ioctl_debug_dump(struct udrv_file *uf, void __user *arg)
{
	struct udrv_debug_record *buf;
	struct udrv_debug_dump d;
	unsigned long flags;
	u64 n;
	int ret;

	ret = udrv_copy_arg(&d, arg, sizeof(d));
	if (ret)
		return ret;
	if (d.flags & ~UDRV_DEBUG_WAIT || !d.max ||
	    d.max > UDRV_DEBUG_MAX_DUMP || d.pad || d.got || d.dropped ||
	    (d.timeout_ms && !(d.flags & UDRV_DEBUG_WAIT)))
		return -EINVAL;
	if (!uf->admin)
		return -EPERM;
	if (d.flags & UDRV_DEBUG_WAIT) {
		long left;

		if (d.timeout_ms)
			left = wait_event_interruptible_timeout(ring_wq,
					dump_ready(uf),
					msecs_to_jiffies(d.timeout_ms));
		else
			left = wait_event_interruptible(ring_wq,
							dump_ready(uf));
		if (left < 0)
			return left;
	}
	buf = kvmalloc_array(d.max, sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	spin_lock_irqsave(&ring_lock, flags);
	if (uf->dbg_seq < ring_tail()) {
		d.dropped = ring_tail() - uf->dbg_seq;
		uf->dbg_seq = ring_tail();
	}
	n = min_t(u64, ring_head - uf->dbg_seq, d.max);
	for (d.got = 0; d.got < n; d.got++)
		buf[d.got] = ring[(uf->dbg_seq + d.got) % UDRV_DEBUG_RECORDS];
	uf->dbg_seq += n;
	spin_unlock_irqrestore(&ring_lock, flags);
	ret = 0;
	if (copy_to_user(udrv_user_ptr(d.records), buf,
			 array_size(d.got, sizeof(*buf))) ||
	    copy_to_user(arg, &d, sizeof(d)))
		ret = -EFAULT;
	kvfree(buf);
	return ret;
}

long udrv_ioctl_debug_add(struct udrv_file *uf, void __user *arg)
{
	char text[UDRV_DEBUG_TEXT];
	struct udrv_debug_add a;
	int ret;

	ret = udrv_copy_arg(&a, arg, sizeof(a));
	if (ret)
		return ret;
	if (a.level < UDRV_DBG_ERROR || a.level > UDRV_DBG_TRACE || !a.len ||
	    a.pad || !a.text)
		return -EINVAL;
	if (a.len > UDRV_DEBUG_TEXT - 1)
		return -E2BIG;
	/* Off: as free as a hook, the text is not even read */
	if (likely(!udrv_dbg_wants(UDRV_DBG_S_MISC, a.level)))
		return 0;
	if (copy_from_user(text, udrv_user_ptr(a.text), a.len))
		return -EFAULT;
	udrv_dbg_text(UDRV_DBG_S_MISC, a.level, text, a.len);
	return 0;
}

/*
 * A Kernel PlugIn's line, interrupt handlers included: hWD is ignored (a
 * KP has none); the area is S_KER_PLUG.
 */
uint32_t WD_DebugAdd(int hWD, const char *msg, uint32_t level)
{
	if (!msg || level < D_ERROR || level > D_TRACE)
		return WD_INVALID_PARAMETER;
	if (unlikely(udrv_dbg_wants(UDRV_DBG_S_KP, level)))
		udrv_dbg_text(UDRV_DBG_S_KP, level, msg, UDRV_DEBUG_TEXT - 1);
	return WD_STATUS_SUCCESS;
}
EXPORT_SYMBOL_NS_GPL(WD_DebugAdd, UDRV);
