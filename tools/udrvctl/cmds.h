/* SPDX-License-Identifier: MIT */
/*
 * cmds.h - the udrvctl subcommands.  Each takes the arguments after its
 * name and returns the exit status: 0 ok, 1 failed (the device, the
 * kernel or the system said no), 2 usage error (the command line is wrong
 * whatever the machine: a bad BDF, number, name, or argument count).
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
int cmd_log(int argc, char **argv);

/* help.c: the running command's name (set by main), its --help text. */
extern const char *ctl_cmd;
const char *ctl_help(const char *cmd);	/* NULL: the command has none here */
bool ctl_wants_help(int argc, char **argv);	/* -h or --help among them */
/* Removes every a (or b) from argv; whether there was one. */
bool ctl_take_flag(int *argc, char **argv, const char *a, const char *b);
int cmd_gen(int argc, char **argv);

/* Shared helpers (common.c). */
int ctl_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int ctl_lib_error(const char *cmd);	/* prints WDC_GetLastErrStr() */
int ctl_open_lib(const char *cmd);
int ctl_get_slot(const char *cmd, const char *arg, WD_PCI_SLOT *slot);
/* Opens the device (shared registration); 0 or the exit status. */
int ctl_open_device(const char *cmd, WD_PCI_SLOT slot,
		    WDC_DEVICE_HANDLE *dev);

/*
 * The device's config space into buf (UDRV_CFG_EXTENDED bytes): cfg_size
 * bytes (0: 256), or only the header that needs no privileges when the
 * rest is refused (a note on stderr if `warn`).  0, or -1 with the
 * library's error pending.
 */
int ctl_read_cfg(WD_PCI_SLOT slot, uint32_t cfg_size, uint8_t *buf,
		 size_t *len, bool warn);

/* cmd_dev.c: one device as list/info --json print it (cfg NULL: no caps). */
struct ctl_json;
void ctl_json_device(struct ctl_json *j, const WD_PCI_CARD_INFO *info,
		     const char *driver, const uint8_t *cfg, size_t len);

#endif /* UDRVCTL_CMDS_H */
