/* SPDX-License-Identifier: MIT */
/*
 * sysfs.h - binding devices to udrv through sysfs, as for vfio-pci.
 * The sysfs root is $UDRV_SYSFS (default /sys) so tests can use a fake
 * tree.
 */
#ifndef UDRVCTL_SYSFS_H
#define UDRVCTL_SYSFS_H

#include <stdio.h>

const char *ctl_sysfs_root(void);
/*
 * Where bind remembers the driver a device had, one file per device
 * (BDF.driver): $UDRV_RUNDIR, default /run/udrv.
 */
const char *ctl_run_dir(void);

/* The name of the device's kernel driver into drv ("" if none). */
void ctl_driver_of(const char *bdf, char *drv, size_t len);

/*
 * `bdf` in canonical form.  Progress goes to `out`, errors to `err`;
 * both return 0 on success, 1 on failure.  Like driverctl: bind notes
 * the driver the device had, unbind clears driver_override and has the
 * kernel probe the device again, which gives it back to that driver (or
 * to whichever driver matches it; none: the device stays driverless).
 */
int ctl_bind(const char *bdf, FILE *out, FILE *err);
int ctl_unbind(const char *bdf, FILE *out, FILE *err);

/* Test hook: called after each successful sysfs write (the kernel's turn). */
extern void (*ctl_sysfs_hook)(const char *path, const char *data);

#endif /* UDRVCTL_SYSFS_H */
