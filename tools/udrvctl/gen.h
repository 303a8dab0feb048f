/* SPDX-License-Identifier: MIT */
/*
 * gen.h - udrvctl gen: what it knows of a device (the description: from
 * the agent, or from a file it wrote before) and what the user adds.
 *
 * The description file (NAME.desc in every generated project; --from
 * reads one), one fact a line, '#' starts a comment:
 *
 *   id 1234:11e8
 *   bar 0 mem 1048576 32-bit non-prefetchable
 *   bar 2 io 32
 *   intx yes
 *   msi 1
 *   msix 0
 *
 * "bar N mem|io SIZE [32-bit|64-bit] [prefetchable|non-prefetchable]",
 * N 0-5, SIZE in bytes (decimal or 0x-hex); msi and msix give the vector
 * counts the device offers (0: none).
 */
#ifndef UDRVCTL_GEN_H
#define UDRVCTL_GEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <udrv/wd.h>

#define GEN_MAX_BARS	6
#define GEN_NAME_MAX	24

struct gen_bar {
	uint32_t index;
	bool io;
	bool is64;
	bool prefetch;
	uint64_t size;
};

struct gen_desc {
	uint16_t vendor, device;
	uint32_t num_bars;
	struct gen_bar bar[GEN_MAX_BARS];	/* in BAR order */
	bool intx;
	uint32_t msi, msix;
};

/* A register named by the user: --status/--ack BAR:OFF. */
struct gen_reg {
	bool set;
	uint32_t bar;
	uint32_t off;
};

struct gen_opts {
	const char *name;	/* lower-case C identifier */
	bool kp;
	struct gen_reg status, ack;
	const char *cmdline;	/* how it was generated, for the README */
};

/* gen_desc.c */
void gen_desc_from_info(const WD_PCI_CARD_INFO *info, struct gen_desc *d);
int gen_desc_read(FILE *f, struct gen_desc *d, char *err, size_t errlen);
void gen_desc_write(FILE *f, const struct gen_desc *d);
const struct gen_bar *gen_desc_bar(const struct gen_desc *d, uint32_t index);

/* gen_project.c: writes the project's files into dir; 0 or -1 (err). */
int gen_project(const char *dir, const struct gen_desc *d,
		const struct gen_opts *o, bool force, char *err,
		size_t errlen);

#endif /* UDRVCTL_GEN_H */
