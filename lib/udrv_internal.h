/* SPDX-License-Identifier: MIT */
/*
 * udrv_internal.h - what the files of libudrv share, plus the test hooks
 * used by the host unit tests.  Not installed.
 */
#ifndef UDRV_INTERNAL_H
#define UDRV_INTERNAL_H

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include "kp.h"

#define UDRV_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* ---- errors (error.c, status.c) ---------------------------------------- */

/* Sets this thread's last-error message and returns `status`. */
uint32_t udrv_fail(uint32_t status, const char *fmt, ...) UDRV_PRINTF(2, 3);
/* Same, keeping the current message as the tail: "<new>: <old>". */
uint32_t udrv_fail_wrap(uint32_t status, const char *fmt, ...)
	UDRV_PRINTF(2, 3);
/* Same, adding to the current message: "<old>: <new>". */
uint32_t udrv_fail_append(uint32_t status, const char *fmt, ...)
	UDRV_PRINTF(2, 3);
/* The errno -> status table of udrv_abi.h; 0 -> WD_STATUS_SUCCESS. */
uint32_t udrv_errno_status(int err);
/* "WD_OUT_OF_RANGE" etc., "WD_UNKNOWN_STATUS" for anything else. */
const char *udrv_status_name(uint32_t status);
/* "ERANGE" etc., or NULL for an errno the table does not list. */
const char *udrv_errno_name(int err);

/* ---- WD_ helpers (wd.c) ------------------------------------------------- */

/* "0000:00:03.0"; buffer of at least UDRV_SLOT_STR bytes. */
#define UDRV_SLOT_STR 16
char *udrv_slot_str(WD_PCI_SLOT slot, char *buf);
bool udrv_slot_valid(WD_PCI_SLOT slot);

/*
 * Overridable for tests: when set, the library calls these instead of
 * ioctl(2) and mmap(2).  udrv_test_ioctl returns 0 or -1 with errno set.
 */
extern int (*udrv_test_ioctl)(int fd, unsigned long req, void *arg);
extern void *(*udrv_test_mmap)(size_t len, int fd, off_t off);

/* One ioctl (through udrv_test_ioctl if set), EINTR retried: 0 or errno. */
int udrv_ioctl(int fd, unsigned long req, void *arg);
/* "<what>: <status text> (EXXX from the agent)"; returns the status. */
uint32_t udrv_ioctl_fail(int err, const char *fmt, ...) UDRV_PRINTF(2, 3);
/* The common argument failures: "<fn>: invalid udrv handle -1 ...", etc. */
uint32_t udrv_bad_hwd(const char *fn, int hwd);
uint32_t udrv_bad_hcard(const char *fn);
uint32_t udrv_null_arg(const char *fn, const char *what);
uint32_t udrv_check_card_call(const char *fn, int hWD, uint32_t hCard,
			      const void *arg, const char *what);

/* ---- prepared transfer lists (wd_xlist.c) ------------------------------ */

/*
 * WD_MultiTransfer's cache: runs t[] as a prepared list if it has one for
 * these commands, or prepares it if seen before (true: *done and *status
 * are the call's result); false: take the ordinary path.
 */
bool udrv_xlist_run_cached(int hwd, uint32_t hcard, WD_TRANSFER *t,
			   uint32_t n, uint32_t *done, uint32_t *status);
/* The agent dropped the lists of card hcard (0: the handle is closed) */
void udrv_xlist_forget(int hwd, uint32_t hcard);

/* ---- debug monitor (wd_debug.c) ----------------------------------------- */

/* WD_DebugAdd of a user-mode Kernel PlugIn (kp.h), on the library's handle */
uint32_t udrv_kp_debug_add(int hWD, const char *msg, uint32_t level);
/* One record as a WD_DebugDump line, newline included; returns its length */
size_t udrv_debug_format(const struct udrv_debug_record *r, char *buf,
			 size_t len);

/* ---- DMA (dma.c) --------------------------------------------------------- */

/*
 * The agent released the DMA buffers of card `hcard` on `hwd` (0: of the
 * whole handle): drop the library's mappings and records of them.
 * WD_CardUnregister and WD_Close call it.
 */
void udrv_dma_forget(int hwd, uint32_t hcard);
/* A Kernel PlugIn's device handle closes: the buffers it held go free. */
void udrv_dma_kp_release(WDC_DEVICE_HANDLE dev);

/* ---- WDC_ interrupts (wdc_int.c) --------------------------------------- */

enum { UDRV_WDC_INT_OFF, UDRV_WDC_INT_ON, UDRV_WDC_INT_DISABLING };

/* A device's WDC_IntEnable state: the library thread and its snapshot. */
struct udrv_dev_int {
	pthread_mutex_t lock;	/* everything below but `wait` */
	pthread_cond_t idle;	/* signalled when DISABLING ends */
	int state;		/* UDRV_WDC_INT_* */
	bool exited;		/* ON, but the thread returned on its own */
	bool ever;		/* enabled once at least: `snap` is valid */
	pthread_t thread;	/* valid unless OFF */
	WDC_INT_HANDLER handler;
	void *ctx;
	WD_INTERRUPT wait;	/* the thread's own WD_IntWait argument */
	WD_INTERRUPT snap;	/* as of the last delivered interrupt */
	/* useKP with the KP in user mode (kp_user.c runs its handlers) */
	bool kp_user;
	void *kp_ctx;		/* funcIntEnable's */
	uint32_t kp_seen;	/* the agent's count the handlers have seen */
	uint32_t kp_unacked;	/* INTx still asserted after, in a row */
};

/* ---- WDC_ devices (wdc.c) ---------------------------------------------- */

/* The device's Kernel PlugIn (kp.c, kp_user.c) */
struct udrv_dev_kp {
	bool open;
	bool user;		/* the .so, in-process */
	uint32_t handle;	/* the agent's hKernelPlugIn */
	char name[UDRV_KP_NAME_LEN];
	/* in user mode: */
	void *so;		/* dlopen handle */
	KP_OPEN_CALL ops;
	void *drv_ctx;
	struct WDC_DEVICE *kp_dev;	/* the KP's own handle of the device */
	bool removed;		/* funcEvent(WD_REMOVE) was called */
};

struct WDC_DEVICE {
	/* First: the inline accessors' view (<udrv/wdc_inline.h>) */
	struct udrv_bar bar[UDRV_MAX_BARS];
	int hwd;
	uint32_t hcard;
	void *ctx;
	bool fake;		/* built by udrv_test_fake_device */
	char name[UDRV_SLOT_STR];
	WD_PCI_CARD_INFO info;
	struct udrv_dev_int irq;	/* wdc_int.c */
	struct udrv_dev_kp kp;		/* kp.c */
	pthread_mutex_t ev_lock;	/* wdc_event.c */
	struct udrv_ev_thread *ev;	/* WDC_EventRegister's, or NULL */
	bool kp_view;		/* a KP's handle: shares another's mappings */
};

/*
 * wdc_int.c: set up a new device's interrupt state; before closing it,
 * disable its interrupts and join the thread.  The latter fails (and the
 * device must stay open) only when called from the device's own handler.
 */
void udrv_int_dev_init(WDC_DEVICE_HANDLE dev);
/*
 * wdc_event.c: before closing a device, end its event thread: joined, or
 * left to end by itself when the close comes from its own handler.
 */
void udrv_event_dev_close(WDC_DEVICE_HANDLE dev);
/* WDC_KernelPlugInClose: interrupts routed to that KP stop first */
void udrv_int_kp_closing(WDC_DEVICE_HANDLE dev);
uint32_t udrv_int_dev_close(WDC_DEVICE_HANDLE dev, const char *fn);

/*
 * WDC_PciDeviceOpen with registration options (WD_SHARED): udrvctl peeks
 * at devices another program may hold.  Candidate for wdc.h.
 */
uint32_t WDC_PciDeviceOpenEx(WDC_DEVICE_HANDLE *dev,
			     const WD_PCI_CARD_INFO *info, void *ctx,
			     uint32_t options);

/*
 * Test hooks: a device whose BAR0 is `bar0` (any memory, e.g. malloc'd)
 * "mapped" with length `len`, no agent behind it; WDC_PciDeviceClose
 * frees it.  udrv_test_fake_bar adds or replaces a BAR (map NULL: reached
 * through transfers, which fail with WD_INVALID_HANDLE since there is no
 * agent).
 */
WDC_DEVICE_HANDLE udrv_test_fake_device(void *bar0, uint64_t len);
void udrv_test_fake_bar(WDC_DEVICE_HANDLE dev, uint32_t bar, uint32_t type,
			void *map, uint64_t len);

#endif /* UDRV_INTERNAL_H */
