/* SPDX-License-Identifier: MIT */
/*
 * tap.h - the Test Anything Protocol for the programs that run in the VM,
 * and the few helpers they share.  Every line names the program, so the
 * host-side log reads on its own.
 */
#ifndef UDRV_TEST_TAP_H
#define UDRV_TEST_TAP_H

#include <stdbool.h>
#include <stdint.h>
#include <udrv/wdc.h>

void tap_init(const char *program);
bool tap_ok(bool cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void tap_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A skip for want of something tests/run-vm always provides (a device, the
 * test Kernel PlugIns, memory): a failure when UDRV_VM_STRICT=1 (run-vm
 * sets it), a skip in a hand-made VM without it.
 */
void tap_skip_provided(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan; returns the exit status (0 if all passed). */
int tap_done(void);

/* ok if `got` equals `want`; on failure shows both statuses and last error */
bool tap_status(uint32_t got, uint32_t want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* All bound devices with this ID; returns how many (up to max). */
uint32_t find_bound(uint16_t vendor, uint16_t device, WD_PCI_SLOT *slots,
		    uint32_t max);
/* Opens the n-th bound device with this ID through WDC_; NULL if none. */
WDC_DEVICE_HANDLE open_nth(uint16_t vendor, uint16_t device, uint32_t n);
const char *slot_str(WD_PCI_SLOT s);
/* A line of /proc/interrupts contains `what` (a handler's name) */
bool proc_interrupts_has(const char *what);
/* Writes `val` to a sysfs file: 0, or -1 unless all of it was taken. */
int sysfs_write(const char *path, const char *val);

/*
 * edu's acknowledge as IRQ-time commands, c[0..2]: read the interrupt
 * status (0x24), CMD_MASK `mask` ("mine" if any of those bits is set),
 * write all ones to the acknowledge register (0x64).
 */
void edu_ack_cmds(WD_TRANSFER *c, uint32_t mask);
/* A WD_INTERRUPT for WD_IntEnable: these commands and options, all else 0 */
void setup_intr(WD_INTERRUPT *in, WD_TRANSFER *cmds, uint32_t n,
		uint32_t options);
#define EDU_VENDOR	0x1234
#define EDU_DEVICE	0x11e8

#endif
