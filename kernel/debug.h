/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debug.h - the debug monitor's hook: udrv_dbg(area, level, fmt, ...).
 *
 * Off (the default), a hook is one load of a word that is 0 and a branch
 * predicted not taken: the arguments are not even evaluated.  On, the
 * level and area word decides, and the line goes to the ring in debug.c.
 * Hooks may be anywhere, interrupt handlers included.
 *
 * Not a static key, although that would spare the load: switching one
 * patches the kernel's code, and under QEMU's software emulation (where
 * the tests run, and where some users develop) a CPU running a hook while
 * it was patched was seen to keep executing the stale breakpoint for
 * ever, both vCPUs stuck at the hook (t_fuzz switching the monitor, 6.1).
 */
#ifndef UDRV_DEBUG_H
#define UDRV_DEBUG_H

#include <linux/compiler.h>
#include <udrv_abi.h>

/* (level << 8) | areas; 0 when off */
extern u32 udrv_dbg_word;

static inline bool udrv_dbg_wants(u32 area, u32 level)
{
	u32 w = READ_ONCE(udrv_dbg_word);

	return (w & area) && level <= (w >> 8);
}

__printf(3, 4)
void udrv_dbg_log(u32 area, u32 level, const char *fmt, ...);

#define udrv_dbg(area, level, fmt, ...)					\
	do {								\
		if (unlikely(udrv_dbg_wants(area, level)))		\
			udrv_dbg_log(area, level, fmt, ##__VA_ARGS__);	\
	} while (0)

/* A hook that takes a function: fn checks the level and area itself */
#define udrv_dbg_call(fn, ...)						\
	do {								\
		if (unlikely(READ_ONCE(udrv_dbg_word)))			\
			fn(__VA_ARGS__);				\
	} while (0)

struct udrv_dev;
struct udrv_xfer;
void udrv_dbg_xfers(struct udrv_dev *dev, u32 hcard,
		    const struct udrv_xfer *cmds, u32 done, u32 num, int ret);

/* A device's name for a line: "0000:00:03.0" */
#define udrv_dbg_dev(dev)	pci_name((dev)->pdev)

int udrv_dbg_init(void);
void udrv_dbg_exit(void);
void udrv_dbg_open(u64 *seq);

#endif /* UDRV_DEBUG_H */
