/* SPDX-License-Identifier: MIT */
/*
 * cmds.h - the udrvctl subcommands.  Each takes the arguments after its
 * name and returns the exit status: 0 ok, 1 failed, 2 usage error.
 */
#ifndef UDRVCTL_CMDS_H
#define UDRVCTL_CMDS_H

#include <udrv/wdc.h>

int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_bind(int argc, char **argv);
int cmd_unbind(int argc, char **argv);
int cmd_cfg(int argc, char **argv);
int cmd_read(int argc, char **argv);
int cmd_write(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_irq(int argc, char **argv);
int cmd_dma(int argc, char **argv);
int cmd_kp(int argc, char **argv);
int cmd_autobind(int argc, char **argv);
int cmd_events(int argc, char **argv);
int cmd_gen(int argc, char **argv);

/* Shared helpers (common.c). */
int ctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ctl_lib_error(const char *cmd);	/* prints WDC_GetLastErrStr() */
int ctl_open_lib(const char *cmd);
int ctl_get_slot(const char *cmd, const char *arg, WD_PCI_SLOT *slot);
/* Opens the device (shared registration); 0 or the exit status. */
int ctl_open_device(const char *cmd, WD_PCI_SLOT slot,
		    WDC_DEVICE_HANDLE *dev);

#endif /* UDRVCTL_CMDS_H */
