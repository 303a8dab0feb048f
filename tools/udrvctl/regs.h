/* SPDX-License-Identifier: MIT */
/*
 * regs.h - config-space registers by name, as setpci(8) names them:
 * the standard header's fields (COMMAND, BASE_ADDRESS_0, ...) with their
 * widths, capabilities (CAP_MSI, CAP_EXP, ECAP_AER, ...) found by walking
 * the device's capability lists, a "+OFF" and a ".B/.W/.L" width suffix
 * (host unit-tested).
 */
#ifndef UDRVCTL_REGS_H
#define UDRVCTL_REGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ctl_reg_name {
	const char *name;
	uint16_t off;
	uint8_t width;		/* bytes */
};

struct ctl_cap_name {
	const char *name;	/* "CAP_MSI", "ECAP_AER" */
	const char *desc;	/* "MSI", "Advanced Error Reporting" */
	uint16_t id;
	bool ext;		/* extended (PCIe, from 0x100) */
};

extern const struct ctl_reg_name ctl_reg_names[];
extern const size_t ctl_num_reg_names;
extern const struct ctl_cap_name ctl_cap_names[];
extern const size_t ctl_num_cap_names;

const struct ctl_reg_name *ctl_reg_by_name(const char *name);
const struct ctl_cap_name *ctl_cap_by_name(const char *name);
const struct ctl_cap_name *ctl_cap_by_id(uint16_t id, bool ext);

/*
 * The offset of capability `id` in the config space cfg[0..len), or -1:
 * the standard list from 0x34 (if the status register says there is one),
 * with `ext` the extended list from 0x100.  Loops and pointers out of
 * range end the walk.
 */
int ctl_find_cap(const uint8_t *cfg, size_t len, bool ext, uint16_t id);

/* A parsed register: REG[+OFF][.B|.W|.L], REG a name or a number. */
struct ctl_reg_spec {
	const struct ctl_cap_name *cap;	/* NULL: not a capability */
	uint32_t base;		/* name's or number's offset (not cap) */
	uint32_t add;		/* +OFF */
	uint32_t width;		/* bytes; 0 = the default of the form */
	bool named;		/* a name, not a number */
};

/* 0, or -1 with the reason in err (a usage error). */
int ctl_reg_parse(const char *s, struct ctl_reg_spec *sp, char *err,
		  size_t errlen);

/*
 * The final offset and width (default: the name's width, 2 for a
 * capability, 4 for a number) against the device's config space (cfg
 * may be NULL if sp->cap is).  0, or -1 with the reason in err: the
 * device has no such capability, or the register lies beyond 4096 bytes.
 */
int ctl_reg_resolve(const struct ctl_reg_spec *sp, const uint8_t *cfg,
		    size_t len, uint32_t *off, uint32_t *width, char *err,
		    size_t errlen);

#endif /* UDRVCTL_REGS_H */
