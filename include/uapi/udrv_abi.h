/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * udrv_abi.h - the one definition of the user/kernel ABI of /dev/udrv.
 *
 * Both udrv.ko and libudrv include this file; nothing else crosses the
 * boundary.  Rules that keep it stable across 32/64-bit and versions:
 *  - fixed-width fields only, explicit padding, every structure a multiple
 *    of 8 bytes and every __u64 at a multiple of 8, so that no compiler
 *    inserts padding (a host test builds this file with -Wpadded);
 *  - 64-bit processes only: a 32-bit process is refused at its first ioctl
 *    (ENOEXEC), since 32-bit mmap2 cannot reach the mmap offsets below;
 *  - pointers travel as __u64;
 *  - every structure starts with a __u32 `size` that must equal the size the
 *    agent knows (it is also encoded in the ioctl number);
 *  - arrays reached through a pointer carry their count in the structure,
 *    and the agent copies the structure once and never re-reads it.
 */
#ifndef _UAPI_UDRV_ABI_H
#define _UAPI_UDRV_ABI_H

#include <linux/types.h>
#include <linux/ioctl.h>

/*
 * Bumped on any incompatible change; the library refuses a mismatch.
 * 2: every structure free of implicit padding (register, card_info,
 *    config), ranged DMA sync, OR-accumulated IRQ-time reads.
 * 3: Kernel PlugIn open, call, close.
 * 4: Kernel PlugIn interrupts: the data of funcIntEnable in int_enable,
 *    the count of interrupts the KP handled in int_wait.
 * 5: plug-and-play events (event register, pull, unregister).
 * 6: the debug monitor (debug set, dump, add).
 * 7: the interrupt status descriptor (int_fd flags, UDRV_INT_FD_STATUS);
 *    prepared transfer lists (xlist prepare, run, free).
 */
#define UDRV_ABI_VERSION	7

#define UDRV_DEVICE_NAME	"udrv"
#define UDRV_DEVICE_PATH	"/dev/udrv"

#define UDRV_MAX_BARS		6
#define UDRV_MAX_ITEMS		8	/* 6 BARs, the ROM is not exposed, 1 IRQ */
#define UDRV_MAX_SCAN		256	/* entries the agent fills per scan call */
#define UDRV_MAX_MULTI		4096	/* commands per multi-transfer */
#define UDRV_MAX_CLEANUP	64	/* cleanup commands per card */
#define UDRV_MAX_BLOCK		(64u << 20) /* bytes per string transfer */
#define UDRV_MAX_MULTI_BYTES	(64u << 20) /* block bytes per multi-transfer */
#define UDRV_CFG_LEGACY		256
#define UDRV_CFG_EXTENDED	4096
/* Unprivileged openers see this much of a device not bound to udrv. */
#define UDRV_CFG_UNPRIV		64

struct udrv_slot {
	__u16 domain;
	__u8 bus;
	__u8 slot;
	__u8 function;
	__u8 pad[3];
};

/* UDRV_IOC_VERSION */
struct udrv_version {
	__u32 size;
	__u32 abi_version;	/* out */
	char text[56];		/* out, NUL-terminated */
};

/* UDRV_IOC_SCAN: devices matching vendor/device (0 = any), in bus order. */
struct udrv_scan_entry {
	struct udrv_slot slot;
	__u16 vendor;
	__u16 device;
	__u32 bound;		/* 1 if bound to udrv */
};

struct udrv_scan {
	__u32 size;
	__u16 vendor;		/* in, 0 = any */
	__u16 device;		/* in, 0 = any */
	__u32 max;		/* in: capacity of entries[], <= UDRV_MAX_SCAN */
	__u32 found;		/* out: matching devices (may exceed max) */
	__u64 entries;		/* in: user pointer to struct udrv_scan_entry[max] */
};

/* UDRV_IOC_CARD_INFO */
#define UDRV_ITEM_MEM		1
#define UDRV_ITEM_IO		2
#define UDRV_ITEM_INTERRUPT	3

#define UDRV_ITEMF_PREFETCH	0x1
#define UDRV_ITEMF_64BIT	0x2
#define UDRV_ITEMF_MMAP		0x4	/* the BAR can be mmapped */

#define UDRV_CAP_INTX		0x1
#define UDRV_CAP_MSI		0x2
#define UDRV_CAP_MSIX		0x4
#define UDRV_CAP_PCIE		0x8

struct udrv_item {
	__u32 type;
	__u32 bar;
	__u64 phys_addr;	/* informational: the bus address */
	__u64 length;
	__u32 flags;
	__u32 irq;
};

struct udrv_card_info {
	__u32 size;
	struct udrv_slot slot;	/* in */
	__u16 vendor;
	__u16 device;
	__u16 subsys_vendor;
	__u16 subsys_device;
	__u32 class_code;
	__u8 revision;
	__u8 pad[3];
	__u32 caps;
	__u32 msi_vectors;
	__u32 msix_vectors;
	__u32 bound;
	__u32 cfg_size;		/* 256 or 4096 */
	__u32 num_items;
	__u32 pad2;
	struct udrv_item item[UDRV_MAX_ITEMS];
};

/* UDRV_IOC_CONFIG: read or write config space. */
struct udrv_config {
	__u32 size;
	struct udrv_slot slot;
	__u32 offset;
	__u32 bytes;		/* 1..cfg_size */
	__u32 write;		/* 0 read, 1 write */
	__u32 pad[2];
	__u64 buf;		/* user pointer */
};

/* UDRV_IOC_REGISTER */
#define UDRV_REG_SHARED		0x1

struct udrv_register {
	__u32 size;
	struct udrv_slot slot;
	__u32 options;		/* UDRV_REG_SHARED */
	__u32 hcard;		/* out */
	__u32 pad;
};

/*
 * UDRV_IOC_UNREGISTER.  Whether the cleanup commands run at a normal
 * unregister is UDRV_CLEANUP_FORCE, chosen when they are set up.
 */
struct udrv_unregister {
	__u32 size;
	__u32 hcard;
};

/*
 * Transfer commands: bit 8 marks a transfer, bit 4 memory (else I/O port),
 * bit 3 write, bit 2 string (block), bits 0-1 log2 of the width.
 */
#define UDRV_CMD_NONE		0x000
#define UDRV_CMD_MASK		0x001
#define UDRV_CMD_XFER		0x100
#define UDRV_CMD_MEM		0x010
#define UDRV_CMD_WRITE		0x008
#define UDRV_CMD_STRING		0x004
#define UDRV_CMD_WIDTH_MASK	0x003
#define UDRV_CMD_VALID_BITS	0x11f

#define UDRV_XFER_NO_AUTOINC	0x1
/*
 * In an interrupt command list with UDRV_INT_CMD_COPY, on a read: the
 * values read at IRQ time are ORed together until a wait takes them, so
 * read-to-clear causes of coalesced interrupts are not lost.
 */
#define UDRV_XFER_INT_ACCUMULATE 0x2

struct udrv_xfer {
	__u64 addr;		/* offset in the BAR */
	__u32 bar;
	__u32 cmd;
	__u32 bytes;		/* string commands: length of the block */
	__u32 options;		/* UDRV_XFER_NO_AUTOINC */
	__u64 data;		/* value (LE low bytes), or user pointer for strings */
};

/* UDRV_IOC_TRANSFER: one command. */
struct udrv_transfer {
	__u32 size;
	__u32 hcard;
	struct udrv_xfer xfer;
};

/* UDRV_IOC_MULTI_TRANSFER: stops at the first failing command. */
struct udrv_multi_transfer {
	__u32 size;
	__u32 hcard;
	__u32 num;		/* in, <= UDRV_MAX_MULTI */
	__u32 done;		/* out: commands that completed */
	__u64 cmds;		/* user pointer to struct udrv_xfer[num] */
};

/*
 * Prepared transfer lists.  UDRV_IOC_XLIST_PREPARE checks a list of scalar
 * commands once, with the checks of MULTI_TRANSFER, and keeps it for the
 * card; UDRV_IOC_XLIST_RUN then runs it as MULTI_TRANSFER would, reading
 * only the write commands' data from `cmds` and writing back only the
 * values read.  A list belongs to the file and the card it was prepared
 * for: it goes at XLIST_FREE, at the card's unregister and at the file's
 * release; a removed device's runs fail with EIO.  `serial` names one
 * list for the module's lifetime: a run or free naming a handle whose
 * list is gone, or that now holds another list, fails with ESTALE.
 */
#define UDRV_MAX_XLISTS		64	/* prepared lists per open file */
#define UDRV_MAX_XLIST_CMDS	16384	/* their commands together, per file */

/* UDRV_IOC_XLIST_PREPARE: no string commands; `data` is not looked at */
struct udrv_xlist_prepare {
	__u32 size;
	__u32 hcard;
	__u32 num;		/* 1..UDRV_MAX_MULTI */
	__u32 failed;		/* out, on a refused command: its index */
	__u64 cmds;		/* user pointer to struct udrv_xfer[num] */
	__u64 serial;		/* out */
	__u32 handle;		/* out */
	__u32 pad;
};

/*
 * UDRV_IOC_XLIST_RUN: all commands or none.  On failure `done` says which:
 * num if they ran but the values read could not be written back (EFAULT),
 * else 0 and the device was not touched.
 */
struct udrv_xlist_run {
	__u32 size;
	__u32 handle;
	__u64 serial;
	__u32 num;		/* the prepared list's, checked */
	__u32 done;		/* out, on failure only */
	__u64 cmds;		/* user pointer to struct udrv_xfer[num] */
};

/* UDRV_IOC_XLIST_FREE */
struct udrv_xlist_free {
	__u32 size;
	__u32 handle;
	__u64 serial;
};

/* UDRV_IOC_CLEANUP_SETUP: replaces the card's cleanup list (num 0 clears). */
#define UDRV_CLEANUP_FORCE	0x1	/* also run on a normal unregister */

struct udrv_cleanup_setup {
	__u32 size;
	__u32 hcard;
	__u32 num;		/* <= UDRV_MAX_CLEANUP, no string commands */
	__u32 options;		/* UDRV_CLEANUP_FORCE */
	__u64 cmds;		/* user pointer to struct udrv_xfer[num] */
};

/*
 * Interrupts.  One enablement per device at a time; it belongs to the card
 * (registration) that enabled it and is named by that card's handle.
 */
#define UDRV_INT_INTX		0x01	/* accept legacy INTx (level) */
#define UDRV_INT_MSI		0x02	/* accept MSI */
#define UDRV_INT_MSIX		0x04	/* accept MSI-X */
#define UDRV_INT_CMD_COPY	0x08	/* return the values read at IRQ time */
#define UDRV_INT_TYPES		(UDRV_INT_INTX | UDRV_INT_MSI | UDRV_INT_MSIX)
#define UDRV_MAX_INT_CMDS	16	/* commands run at IRQ time */
#define UDRV_MAX_VECTORS	32

/* UDRV_IOC_INT_ENABLE */
struct udrv_int_enable {
	__u32 size;
	__u32 hcard;
	__u32 options;		/* UDRV_INT_*; no type bit = any type */
	__u32 num_cmds;		/* <= UDRV_MAX_INT_CMDS */
	__u64 cmds;		/* user pointer to struct udrv_xfer[num_cmds] */
	__u32 max_vectors;	/* MSI/MSI-X vectors wanted, 0 = all */
	__u32 hkp;		/* Kernel PlugIn handle, 0 = none */
	__u32 enabled_type;	/* out: UDRV_INT_INTX, _MSI or _MSIX */
	__u32 num_vectors;	/* out */
	__u32 irq;		/* out: Linux IRQ of vector 0 (informational) */
	__u32 pad;
	/* With hkp: funcIntEnable's call (message, a copy of the data) */
	__u32 kp_message;
	__u32 kp_size;		/* <= UDRV_KP_MAX_INT_DATA */
	__u64 kp_data;		/* user pointer, or 0 with kp_size 0 */
};

/* UDRV_IOC_INT_WAIT and UDRV_IOC_INT_COUNT (which does not wait) */
struct udrv_int_wait {
	__u32 size;
	__u32 hcard;
	__u32 timeout_ms;	/* 0 = no timeout */
	__u32 num_cmds;		/* capacity of cmds[] for UDRV_INT_CMD_COPY */
	__u64 cmds;		/* user pointer: read values go to .data */
	__u32 count;		/* out: interrupts so far */
	__u32 lost;		/* out: coalesced into an earlier wake-up */
	__u32 stopped;		/* out: UDRV_STOP_* */
	__u32 last_message;	/* out: vector that fired last */
	__u64 vectors;		/* out: vectors that fired since last wait */
	__u32 enabled_type;	/* out */
	__u32 kp_count;		/* out: interrupts a Kernel PlugIn handled */
};

#define UDRV_STOP_DISABLED	1	/* WD_IntDisable */
#define UDRV_STOP_REMOVED	2	/* the device went away */
#define UDRV_STOP_STORM		3	/* an interrupt storm: stopped, masked */

/* UDRV_IOC_INT_DISABLE */
struct udrv_int_disable {
	__u32 size;
	__u32 hcard;
};

/*
 * UDRV_IOC_INT_FD: a new file descriptor that polls readable when an
 * interrupt arrived; read() returns a __u64, the interrupts since the
 * last read (blocking unless O_NONBLOCK), 0 once interrupts are disabled.
 *
 * With UDRV_INT_FD_STATUS, read() is UDRV_IOC_INT_WAIT without a timeout
 * and without its argument to copy in or its card to look up: it waits on
 * the interrupt's own cursor (the one INT_WAIT uses), consumes what
 * arrived and returns a struct udrv_int_status, followed by as many of the
 * IRQ-time values (UDRV_INT_CMD_COPY) as the buffer holds and the commands
 * have; it returns at once, with .stopped set, once interrupts stopped.
 */
struct udrv_int_fd {
	__u32 size;
	__u32 hcard;
	__s32 fd;		/* out */
	__u32 flags;		/* UDRV_INT_FD_* */
};

#define UDRV_INT_FD_STATUS	0x1

struct udrv_int_status {
	__u32 count;
	__u32 lost;
	__u32 stopped;
	__u32 last_message;
	__u64 vectors;
	__u32 enabled_type;
	__u32 kp_count;
	/* __u64 values[]: up to num_cmds, when the read's buffer has room */
};

/*
 * Plug-and-play events.  The agent reports what it sees itself: a device
 * is inserted when udrv binds it (so it can be registered at once) and
 * removed when udrv lets it go (hot-unplug, unbind, module unload).  A
 * registration names a card (its slot and ID, which a re-inserted device
 * in the same slot matches again) or a vendor/device ID, 0 matching any.
 * It keeps the last UDRV_EVENT_QUEUE events not yet pulled; older ones are
 * dropped and counted.
 */
#define UDRV_EVENT_INSERT	0x1
#define UDRV_EVENT_REMOVE	0x2
#define UDRV_EVENT_ACTIONS	0x3
#define UDRV_MAX_EVENT_REGS	64	/* per open file */
#define UDRV_EVENT_QUEUE	64	/* unpulled events per registration */

/* UDRV_IOC_EVENT_REGISTER */
struct udrv_event_register {
	__u32 size;
	__u32 hcard;		/* a card of this file, or 0: by ID */
	__u32 actions;		/* UDRV_EVENT_INSERT | UDRV_EVENT_REMOVE */
	__u16 vendor;		/* hcard 0: 0 = any; else must be 0 */
	__u16 device;		/* likewise */
	__u32 handle;		/* out */
	__u32 pad;
};

/* UDRV_IOC_EVENT_PULL: the oldest queued event, waiting for one */
struct udrv_event_pull {
	__u32 size;
	__u32 handle;
	__u32 timeout_ms;	/* 0: wait until an event or a signal */
	__u32 action;		/* out: UDRV_EVENT_INSERT or _REMOVE */
	struct udrv_slot slot;	/* out */
	__u16 vendor;		/* out */
	__u16 device;		/* out */
	__u32 lost;		/* out: events dropped since the last pull */
};

/* UDRV_IOC_EVENT_UNREGISTER: also wakes the registration's pullers */
struct udrv_event_unregister {
	__u32 size;
	__u32 handle;
};

/*
 * DMA buffers of a registered card.  Contiguous buffers are allocated by
 * the agent and mapped by the caller with mmap at `mmap_offset`;
 * scatter-gather buffers are the caller's own memory, pinned.  Either way
 * the agent returns the addresses the device must use (bus addresses, or
 * IOVAs behind an IOMMU), merged where contiguous.
 */
#define UDRV_DMA_CONTIG		0x01	/* agent allocates (else SG) */
#define UDRV_DMA_TO_DEVICE	0x02
#define UDRV_DMA_FROM_DEVICE	0x04
#define UDRV_DMA_ALLOW_64BIT	0x08	/* accepted; the device mask rules */
#define UDRV_DMA_OPTIONS	0x0f
#define UDRV_MAX_DMA_BUFS	64		/* per open file */
#define UDRV_MAX_DMA_CONTIG	(64ULL << 20)	/* bytes per contiguous buffer */
#define UDRV_MAX_DMA_SG		(4ULL << 30)	/* bytes per SG buffer */

struct udrv_dma_page {
	__u64 addr;		/* device address */
	__u64 len;
};

/* UDRV_IOC_DMA_LOCK */
struct udrv_dma_lock {
	__u32 size;
	__u32 hcard;
	__u32 options;		/* UDRV_DMA_* */
	__u32 num_pages;	/* in: capacity of pages[]; out: entries */
	__u64 user_addr;	/* SG: the caller's buffer */
	__u64 bytes;
	__u64 pages;		/* user pointer to struct udrv_dma_page[] */
	__u64 mmap_offset;	/* out, contiguous buffers */
	__u32 hdma;		/* out */
	__u32 pad;
};

/* UDRV_IOC_DMA_UNLOCK, UDRV_IOC_DMA_SYNC */
#define UDRV_SYNC_FOR_CPU	1
#define UDRV_SYNC_FOR_DEVICE	2

struct udrv_dma_op {
	__u32 size;
	__u32 hdma;
	__u32 sync;		/* UDRV_SYNC_*, for UDRV_IOC_DMA_SYNC */
	__u32 pad;
	__u64 offset;		/* sync: bytes into the buffer */
	__u64 length;		/* sync: 0 = to the end of the buffer */
};

/* UDRV_IOC_DMA_MASK: only while the card has no DMA buffer */
struct udrv_dma_mask {
	__u32 size;
	__u32 hcard;
	__u32 bits;		/* 12..64 */
	__u32 pad;
};

/*
 * Kernel PlugIn.  A KP module registers with the agent under its name;
 * UDRV_IOC_KP_OPEN opens it on a card this file registered, and its
 * funcOpen gets a copy of the open data.  UDRV_IOC_KP_CALL copies `data`
 * in, calls funcCall on the copy and copies it and `result` back: no user
 * pointer ever reaches the KP.  Handles close at KP_CLOSE, at unregister
 * of the card, at the release of the file and when the device goes.
 */
#define UDRV_KP_NAME_LEN	32	/* with the NUL */
#define UDRV_KP_MAX_OPEN_DATA	4096
#define UDRV_KP_MAX_CALL_DATA	(64 * 1024)
#define UDRV_KP_MAX_INT_DATA	4096	/* funcIntEnable's data */

struct udrv_kp_open {
	__u32 size;
	__u32 hcard;
	char name[UDRV_KP_NAME_LEN];	/* NUL-terminated */
	__u64 open_data;		/* user pointer, or 0 with open_size 0 */
	__u32 open_size;		/* <= UDRV_KP_MAX_OPEN_DATA */
	__u32 hkp;			/* out */
};

struct udrv_kp_call {
	__u32 size;
	__u32 hkp;
	__u32 message;
	__u32 data_size;		/* <= UDRV_KP_MAX_CALL_DATA */
	__u64 data;			/* user pointer, or 0 with data_size 0 */
	__u32 result;			/* out: funcCall's call->result */
	__u32 pad;
};

struct udrv_kp_close {
	__u32 size;
	__u32 hkp;
};

/*
 * The debug monitor: one global ring of records, which the agent writes
 * when a line's level is at most the level set and its area is among the
 * areas set (nothing at UDRV_DBG_OFF, the default).  Each open file reads
 * the ring from its own position; records overwritten before a file read
 * them are counted in its `dropped`.  SET and DUMP need CAP_SYS_ADMIN (the
 * ring shows every process's activity); ADD needs a writable file.
 */
#define UDRV_DBG_OFF		0
#define UDRV_DBG_ERROR		1
#define UDRV_DBG_WARN		2
#define UDRV_DBG_INFO		3
#define UDRV_DBG_TRACE		4
#define UDRV_DBG_S_IO		0x01
#define UDRV_DBG_S_MEM		0x02
#define UDRV_DBG_S_INT		0x04
#define UDRV_DBG_S_PCI		0x08
#define UDRV_DBG_S_DMA		0x10
#define UDRV_DBG_S_KP		0x20
#define UDRV_DBG_S_EVENT	0x40
#define UDRV_DBG_S_MISC		0x80
#define UDRV_DBG_S_ALL		0xff
#define UDRV_DEBUG_TEXT		216	/* text of a record, with its NUL */
#define UDRV_DEBUG_RECORDS	1024	/* records the ring keeps */
#define UDRV_DEBUG_MAX_DUMP	64	/* records per dump call */

/* UDRV_IOC_DEBUG_SET */
#define UDRV_DEBUG_QUERY	0x1	/* only report the current setting */

struct udrv_debug_set {
	__u32 size;
	__u32 flags;		/* UDRV_DEBUG_QUERY */
	__u32 level;		/* UDRV_DBG_OFF..UDRV_DBG_TRACE */
	__u32 areas;		/* UDRV_DBG_S_*; 0 with a level = none */
	__u32 old_level;	/* out: the setting before */
	__u32 old_areas;	/* out */
};

struct udrv_debug_record {
	__u64 seq;		/* 0, 1, 2... since the module loaded */
	__u64 time_ns;		/* local_clock(), as printk's timestamps */
	__u32 pid;		/* 0 at interrupt time */
	__u8 level;
	__u8 area;		/* one UDRV_DBG_S_* bit */
	__u16 len;		/* of text, without the NUL */
	char comm[16];		/* "[irq]" at interrupt time */
	char text[UDRV_DEBUG_TEXT];	/* NUL-terminated */
};

/* UDRV_IOC_DEBUG_DUMP: the records this file has not read, oldest first */
#define UDRV_DEBUG_WAIT		0x1	/* wait for one if there is none */

struct udrv_debug_dump {
	__u32 size;
	__u32 flags;		/* UDRV_DEBUG_WAIT */
	__u32 timeout_ms;	/* with WAIT: 0 = until a record or a signal */
	__u32 max;		/* capacity of records[], 1..UDRV_DEBUG_MAX_DUMP */
	__u64 records;		/* user pointer to struct udrv_debug_record[max] */
	__u32 got;		/* out: records copied */
	__u32 pad;
	__u64 dropped;		/* out: overwritten unread since the last dump */
};

/* UDRV_IOC_DEBUG_ADD: a line of the caller's own (area UDRV_DBG_S_MISC) */
struct udrv_debug_add {
	__u32 size;
	__u32 level;		/* UDRV_DBG_ERROR..UDRV_DBG_TRACE */
	__u32 len;		/* bytes at text, 1..UDRV_DEBUG_TEXT - 1 */
	__u32 pad;
	__u64 text;		/* user pointer, no NUL needed */
};

#define UDRV_MMAP_DMA		(1ULL << 60)	/* offset of a DMA buffer */

/*
 * mmap offset of a BAR of a registered card: the card handle and the BAR
 * index select the region, the low bits are the offset inside the BAR.
 * Card handles are below UDRV_MAX_HANDLE, so the offset fits in 56 bits.
 */
#define UDRV_MAX_HANDLE		0xffff
#define UDRV_MMAP_BAR_SHIFT	36	/* BARs up to 64 GiB can be mapped */
#define UDRV_MMAP_CARD_SHIFT	40
#define UDRV_MMAP_OFFSET(hcard, bar) \
	(((__u64)(hcard) << UDRV_MMAP_CARD_SHIFT) | \
	 ((__u64)(bar) << UDRV_MMAP_BAR_SHIFT))

#define UDRV_IOC_MAGIC		'U'
#define UDRV_IOC_VERSION	_IOWR(UDRV_IOC_MAGIC, 0x00, struct udrv_version)
#define UDRV_IOC_SCAN		_IOWR(UDRV_IOC_MAGIC, 0x01, struct udrv_scan)
#define UDRV_IOC_CARD_INFO	_IOWR(UDRV_IOC_MAGIC, 0x02, struct udrv_card_info)
#define UDRV_IOC_CONFIG		_IOWR(UDRV_IOC_MAGIC, 0x03, struct udrv_config)
#define UDRV_IOC_REGISTER	_IOWR(UDRV_IOC_MAGIC, 0x04, struct udrv_register)
#define UDRV_IOC_UNREGISTER	_IOW(UDRV_IOC_MAGIC, 0x05, struct udrv_unregister)
#define UDRV_IOC_TRANSFER	_IOWR(UDRV_IOC_MAGIC, 0x06, struct udrv_transfer)
#define UDRV_IOC_MULTI_TRANSFER	_IOWR(UDRV_IOC_MAGIC, 0x07, struct udrv_multi_transfer)
#define UDRV_IOC_CLEANUP_SETUP	_IOW(UDRV_IOC_MAGIC, 0x08, struct udrv_cleanup_setup)
#define UDRV_IOC_INT_ENABLE	_IOWR(UDRV_IOC_MAGIC, 0x09, struct udrv_int_enable)
#define UDRV_IOC_INT_WAIT	_IOWR(UDRV_IOC_MAGIC, 0x0a, struct udrv_int_wait)
#define UDRV_IOC_INT_COUNT	_IOWR(UDRV_IOC_MAGIC, 0x0b, struct udrv_int_wait)
#define UDRV_IOC_INT_DISABLE	_IOW(UDRV_IOC_MAGIC, 0x0c, struct udrv_int_disable)
#define UDRV_IOC_INT_FD		_IOWR(UDRV_IOC_MAGIC, 0x0d, struct udrv_int_fd)
#define UDRV_IOC_DMA_LOCK	_IOWR(UDRV_IOC_MAGIC, 0x0e, struct udrv_dma_lock)
#define UDRV_IOC_DMA_UNLOCK	_IOW(UDRV_IOC_MAGIC, 0x0f, struct udrv_dma_op)
#define UDRV_IOC_DMA_SYNC	_IOW(UDRV_IOC_MAGIC, 0x10, struct udrv_dma_op)
#define UDRV_IOC_DMA_MASK	_IOW(UDRV_IOC_MAGIC, 0x11, struct udrv_dma_mask)
#define UDRV_IOC_KP_OPEN	_IOWR(UDRV_IOC_MAGIC, 0x12, struct udrv_kp_open)
#define UDRV_IOC_KP_CALL	_IOWR(UDRV_IOC_MAGIC, 0x13, struct udrv_kp_call)
#define UDRV_IOC_KP_CLOSE	_IOW(UDRV_IOC_MAGIC, 0x14, struct udrv_kp_close)
#define UDRV_IOC_EVENT_REGISTER	_IOWR(UDRV_IOC_MAGIC, 0x15, struct udrv_event_register)
#define UDRV_IOC_EVENT_PULL	_IOWR(UDRV_IOC_MAGIC, 0x16, struct udrv_event_pull)
#define UDRV_IOC_EVENT_UNREGISTER _IOW(UDRV_IOC_MAGIC, 0x17, struct udrv_event_unregister)
#define UDRV_IOC_DEBUG_SET	_IOWR(UDRV_IOC_MAGIC, 0x18, struct udrv_debug_set)
#define UDRV_IOC_DEBUG_DUMP	_IOWR(UDRV_IOC_MAGIC, 0x19, struct udrv_debug_dump)
#define UDRV_IOC_DEBUG_ADD	_IOW(UDRV_IOC_MAGIC, 0x1a, struct udrv_debug_add)
#define UDRV_IOC_XLIST_PREPARE	_IOWR(UDRV_IOC_MAGIC, 0x1b, struct udrv_xlist_prepare)
#define UDRV_IOC_XLIST_RUN	_IOWR(UDRV_IOC_MAGIC, 0x1c, struct udrv_xlist_run)
#define UDRV_IOC_XLIST_FREE	_IOW(UDRV_IOC_MAGIC, 0x1d, struct udrv_xlist_free)
#define UDRV_IOC_LAST_NR	0x1d

/*
 * Errors: each ioctl returns 0 or one of these negative errnos, which the
 * library maps to WD_ status codes:
 *   EMSGSIZE  size field or ioctl size disagrees   -> WD_INCORRECT_VERSION
 *   EINVAL    malformed field (command, width, flag, count, BAR index,
 *             I/O command on a memory BAR or the reverse) -> WD_INVALID_PARAMETER
 *   EFAULT    a user pointer cannot be read/written -> WD_INVALID_PARAMETER
 *   EBADF     card handle not registered by this file -> WD_INVALID_HANDLE
 *   ENODEV    no device in that slot                -> WD_DEVICE_NOT_FOUND
 *   ENOLINK   device exists but is not bound to udrv -> WD_NO_DEVICE_OBJECT
 *   EBUSY     device already owned                  -> WD_RESOURCE_OVERLAP
 *   ERANGE    offset/size outside the BAR or config space -> WD_OUT_OF_RANGE
 *   EILSEQ    offset not aligned to the access width -> WD_BAD_ALIGNMENT
 *   EPERM     config write to a device not bound to udrv -> WD_ACCESS_DENIED
 *   EACCES    write to a register the agent owns   -> WD_ACCESS_DENIED
 *   ENOMEM    out of memory                         -> WD_INSUFFICIENT_RESOURCES
 *   ENOSPC    too many handles / commands           -> WD_INSUFFICIENT_RESOURCES
 *   ENOTTY    unknown ioctl                         -> WD_NOT_IMPLEMENTED
 *   EIO       the device went away (hot-unplug, unbind) -> WD_DEVICE_REMOVED
 *   ENOTCONN  interrupts not enabled on this card    -> WD_INTERRUPT_NOT_ENABLED
 *   EALREADY  interrupts already disabled            -> WD_OPERATION_ALREADY_DONE
 *   ENXIO     the device has none of the interrupt types accepted, or
 *             they cannot be set up                  -> WD_FAILED_ENABLING_INTERRUPT
 *   ETIMEDOUT no interrupt within the timeout        -> WD_TIME_OUT
 *   EINTR     a signal interrupted the wait          -> (the library retries)
 *   EOPNOTSUPP a feature not built yet              -> WD_NOT_IMPLEMENTED
 *   ENOENT    KP_OPEN: no Kernel PlugIn of that name is loaded
 *                                                    -> WD_KERPLUG_FAILURE
 *   ECONNREFUSED KP_OPEN: the KP's funcOpen returned false
 *                                                    -> WD_KERPLUG_FAILURE
 *   E2BIG     KP open or call data over its limit    -> WD_INVALID_PARAMETER
 *   EBADF     also: KP handle not open on this file  -> WD_INVALID_HANDLE
 *   ENOEXEC   a 32-bit process (64-bit only)       -> WD_INCORRECT_VERSION
 *   EDOM      a buffer page lies beyond the device's DMA mask and there is
 *             no IOMMU to remap it                   -> WD_OUT_OF_RANGE
 *   EDQUOT    RLIMIT_MEMLOCK would be exceeded       -> WD_INSUFFICIENT_RESOURCES
 *   EMFILE    too many DMA buffers on this file      -> WD_INSUFFICIENT_RESOURCES
 *   EPERM     also: DEBUG_SET or DEBUG_DUMP without CAP_SYS_ADMIN
 *   E2BIG     also: DEBUG_ADD text over UDRV_DEBUG_TEXT - 1 bytes
 *   ESTALE    prepared list handle unknown on this file, freed, or its
 *             card unregistered                      -> WD_INVALID_HANDLE
 *   ENOSPC    also: XLIST_PREPARE over UDRV_MAX_XLISTS or UDRV_MAX_XLIST_CMDS
 *   EOVERFLOW pages[] too small: num_pages says how many are needed, nothing
 *             stays locked                           -> WD_INSUFFICIENT_RESOURCES
 */

#endif /* _UAPI_UDRV_ABI_H */
