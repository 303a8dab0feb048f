/* SPDX-License-Identifier: MIT */
/*
 * parse.h - udrvctl's parsing and formatting helpers (host unit-tested).
 */
#ifndef UDRVCTL_PARSE_H
#define UDRVCTL_PARSE_H

#include <stdio.h>
#include <udrv/wd.h>

/* Canonical form, "0000:00:03.0": CTL_BDF_LEN bytes with the NUL. */
#define CTL_BDF_LEN 13

/* "DDDD:BB:SS.F" or "BB:SS.F" as lspci prints it; 0 or -1. */
int ctl_parse_bdf(const char *s, WD_PCI_SLOT *slot);
char *ctl_fmt_bdf(WD_PCI_SLOT slot, char buf[CTL_BDF_LEN]);

/*
 * lspci's filters.  -s "[[[DOMAIN]:]BUS:][DEV][.[FN]]" and -d
 * "[VENDOR]:[DEVICE]", hex; an empty field or "*" matches anything
 * (-1 in the struct).  0 or -1.
 */
struct ctl_filter {
	int domain, bus, dev, fn;
	int vendor, device;
};
void ctl_filter_init(struct ctl_filter *f);
int ctl_parse_slot_filter(const char *s, struct ctl_filter *f);
int ctl_parse_id_filter(const char *s, struct ctl_filter *f);
bool ctl_filter_match(const struct ctl_filter *f, WD_PCI_SLOT slot,
		      WD_PCI_ID id);

/* Decimal or 0x-hex, nothing else (no sign, no blanks); 0 or -1. */
int ctl_parse_u64(const char *s, uint64_t *v);
int ctl_parse_u32(const char *s, uint32_t *v);
/*
 * Offsets, values and lengths: hex with or without 0x, as setpci and lspci
 * read and print them (counts, widths, BAR numbers, times stay decimal).
 */
int ctl_parse_hex64(const char *s, uint64_t *v);
int ctl_parse_hex32(const char *s, uint32_t *v);
/* An access width in bytes: 1, 2, 4, or 8 if `max` is 8; 0 or -1. */
int ctl_parse_width(const char *s, uint32_t max, uint32_t *w);

/* "1 MiB", "4 KiB" for exact multiples, else "1000 bytes". */
char *ctl_fmt_size(uint64_t size, char *buf, size_t len);

/*
 * Hex dumps.  ctl_dump_cfg: like `lspci -xxx` ("00: 86 80 ..."), offsets
 * in 3 digits beyond 256 bytes.  ctl_dump_bar: 16 bytes a line after the
 * absolute BAR offset, as little-endian values of `width` bytes.
 */
void ctl_dump_cfg(FILE *f, const uint8_t *buf, size_t len);
void ctl_dump_bar(FILE *f, uint64_t base, const uint8_t *buf, size_t len,
		  uint32_t width);

#endif /* UDRVCTL_PARSE_H */
