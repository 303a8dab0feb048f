/* SPDX-License-Identifier: MIT */
/*
 * log_args.h - `udrvctl log`'s level and area names (log_args.c).
 */
#ifndef UDRVCTL_LOG_ARGS_H
#define UDRVCTL_LOG_ARGS_H

#include <stddef.h>
#include <stdint.h>

/* off, error, warn, info, trace -> D_*; 0 or -1 */
int ctl_log_level(const char *s, uint32_t *level);
/* "io,mem,int,pci,dma,kp,event,misc" or "all" -> S_* bits; 0 or -1 */
int ctl_log_areas(const char *s, uint32_t *areas);
/* The names of a setting: "trace io,int" or "off"; buf of 128 bytes */
const char *ctl_log_setting(uint32_t level, uint32_t areas, char *buf,
			    size_t len);

#endif /* UDRVCTL_LOG_ARGS_H */
