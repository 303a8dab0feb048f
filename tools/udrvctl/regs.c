// SPDX-License-Identifier: MIT
/*
 * regs.c - setpci's register names: the same spelling, so that a line
 * from a setpci recipe works here too (except that +OFF follows udrvctl's
 * number syntax: offsets hex, 0x optional, as setpci reads them).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "parse.h"
#include "regs.h"

#define CFG_SPACE 4096

const struct ctl_reg_name ctl_reg_names[] = {
	{ "VENDOR_ID", 0x00, 2 },
	{ "DEVICE_ID", 0x02, 2 },
	{ "COMMAND", 0x04, 2 },
	{ "STATUS", 0x06, 2 },
	{ "REVISION", 0x08, 1 },
	{ "CLASS_PROG", 0x09, 1 },
	{ "CLASS_DEVICE", 0x0a, 2 },
	{ "CACHE_LINE_SIZE", 0x0c, 1 },
	{ "LATENCY_TIMER", 0x0d, 1 },
	{ "HEADER_TYPE", 0x0e, 1 },
	{ "BIST", 0x0f, 1 },
	{ "BASE_ADDRESS_0", 0x10, 4 },
	{ "BASE_ADDRESS_1", 0x14, 4 },
	{ "BASE_ADDRESS_2", 0x18, 4 },
	{ "BASE_ADDRESS_3", 0x1c, 4 },
	{ "BASE_ADDRESS_4", 0x20, 4 },
	{ "BASE_ADDRESS_5", 0x24, 4 },
	{ "CARDBUS_CIS", 0x28, 4 },
	{ "SUBSYSTEM_VENDOR_ID", 0x2c, 2 },
	{ "SUBSYSTEM_ID", 0x2e, 2 },
	{ "ROM_ADDRESS", 0x30, 4 },
	{ "CAPABILITY_LIST", 0x34, 1 },
	{ "INTERRUPT_LINE", 0x3c, 1 },
	{ "INTERRUPT_PIN", 0x3d, 1 },
	{ "MIN_GNT", 0x3e, 1 },
	{ "MAX_LAT", 0x3f, 1 },
	/* Header type 1: PCI-to-PCI bridges */
	{ "PRIMARY_BUS", 0x18, 1 },
	{ "SECONDARY_BUS", 0x19, 1 },
	{ "SUBORDINATE_BUS", 0x1a, 1 },
	{ "SEC_LATENCY_TIMER", 0x1b, 1 },
	{ "IO_BASE", 0x1c, 1 },
	{ "IO_LIMIT", 0x1d, 1 },
	{ "SEC_STATUS", 0x1e, 2 },
	{ "MEMORY_BASE", 0x20, 2 },
	{ "MEMORY_LIMIT", 0x22, 2 },
	{ "PREF_MEMORY_BASE", 0x24, 2 },
	{ "PREF_MEMORY_LIMIT", 0x26, 2 },
	{ "PREF_BASE_UPPER32", 0x28, 4 },
	{ "PREF_LIMIT_UPPER32", 0x2c, 4 },
	{ "IO_BASE_UPPER16", 0x30, 2 },
	{ "IO_LIMIT_UPPER16", 0x32, 2 },
	{ "BRIDGE_ROM_ADDRESS", 0x38, 4 },
	{ "BRIDGE_CONTROL", 0x3e, 2 },
};
const size_t ctl_num_reg_names = sizeof(ctl_reg_names) /
				 sizeof(ctl_reg_names[0]);

const struct ctl_cap_name ctl_cap_names[] = {
	{ "CAP_PM", "Power Management", 0x01, false },
	{ "CAP_AGP", "AGP", 0x02, false },
	{ "CAP_VPD", "Vital Product Data", 0x03, false },
	{ "CAP_SLOTID", "Slot Identification", 0x04, false },
	{ "CAP_MSI", "MSI", 0x05, false },
	{ "CAP_CHSWP", "CompactPCI Hot Swap", 0x06, false },
	{ "CAP_PCIX", "PCI-X", 0x07, false },
	{ "CAP_HT", "HyperTransport", 0x08, false },
	{ "CAP_VNDR", "Vendor Specific", 0x09, false },
	{ "CAP_DBG", "Debug Port", 0x0a, false },
	{ "CAP_CCRC", "CompactPCI Central Resource Control", 0x0b, false },
	{ "CAP_HOTPLUG", "PCI Hot-Plug", 0x0c, false },
	{ "CAP_SSVID", "Subsystem Vendor ID", 0x0d, false },
	{ "CAP_AGP3", "AGP 8x", 0x0e, false },
	{ "CAP_SECURE", "Secure Device", 0x0f, false },
	{ "CAP_EXP", "PCI Express", 0x10, false },
	{ "CAP_MSIX", "MSI-X", 0x11, false },
	{ "CAP_SATA", "SATA HBA", 0x12, false },
	{ "CAP_AF", "PCI Advanced Features", 0x13, false },
	{ "CAP_EA", "Enhanced Allocation", 0x14, false },
	{ "CAP_FPB", "Flattening Portal Bridge", 0x15, false },
	{ "ECAP_AER", "Advanced Error Reporting", 0x01, true },
	{ "ECAP_VC", "Virtual Channel", 0x02, true },
	{ "ECAP_DSN", "Device Serial Number", 0x03, true },
	{ "ECAP_PB", "Power Budgeting", 0x04, true },
	{ "ECAP_RCLINK", "Root Complex Link Declaration", 0x05, true },
	{ "ECAP_RCILINK", "Root Complex Internal Link Control", 0x06, true },
	{ "ECAP_RCEC", "Root Complex Event Collector", 0x07, true },
	{ "ECAP_MFVC", "Multi-Function Virtual Channel", 0x08, true },
	{ "ECAP_VC2", "Virtual Channel (MFVC present)", 0x09, true },
	{ "ECAP_RBCB", "Root Complex Register Block", 0x0a, true },
	{ "ECAP_VNDR", "Vendor Specific", 0x0b, true },
	{ "ECAP_ACS", "Access Control Services", 0x0d, true },
	{ "ECAP_ARI", "Alternative Routing-ID Interpretation", 0x0e, true },
	{ "ECAP_ATS", "Address Translation Services", 0x0f, true },
	{ "ECAP_SRIOV", "Single Root I/O Virtualization", 0x10, true },
	{ "ECAP_MRIOV", "Multi-Root I/O Virtualization", 0x11, true },
	{ "ECAP_MCAST", "Multicast", 0x12, true },
	{ "ECAP_PRI", "Page Request Interface", 0x13, true },
	{ "ECAP_REBAR", "Resizable BAR", 0x15, true },
	{ "ECAP_DPA", "Dynamic Power Allocation", 0x16, true },
	{ "ECAP_TPH", "TPH Requester", 0x17, true },
	{ "ECAP_LTR", "Latency Tolerance Reporting", 0x18, true },
	{ "ECAP_SECPCI", "Secondary PCI Express", 0x19, true },
	{ "ECAP_PMUX", "Protocol Multiplexing", 0x1a, true },
	{ "ECAP_PASID", "Process Address Space ID", 0x1b, true },
	{ "ECAP_LNR", "LN Requester", 0x1c, true },
	{ "ECAP_DPC", "Downstream Port Containment", 0x1d, true },
	{ "ECAP_L1PM", "L1 PM Substates", 0x1e, true },
	{ "ECAP_PTM", "Precision Time Measurement", 0x1f, true },
	{ "ECAP_DVSEC", "Designated Vendor-Specific", 0x23, true },
};
const size_t ctl_num_cap_names = sizeof(ctl_cap_names) /
				 sizeof(ctl_cap_names[0]);

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

const struct ctl_reg_name *ctl_reg_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ctl_num_reg_names; i++)
		if (!strcasecmp(name, ctl_reg_names[i].name))
			return &ctl_reg_names[i];
	return NULL;
}

const struct ctl_cap_name *ctl_cap_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ctl_num_cap_names; i++)
		if (!strcasecmp(name, ctl_cap_names[i].name))
			return &ctl_cap_names[i];
	return NULL;
}

const struct ctl_cap_name *ctl_cap_by_id(uint16_t id, bool ext)
{
	size_t i;

	for (i = 0; i < ctl_num_cap_names; i++)
		if (ctl_cap_names[i].id == id && ctl_cap_names[i].ext == ext)
			return &ctl_cap_names[i];
	return NULL;
}

static uint32_t le(const uint8_t *cfg, size_t off, int bytes)
{
	uint32_t v = 0;
	int i;

	for (i = bytes - 1; i >= 0; i--)
		v = v << 8 | cfg[off + (size_t)i];
	return v;
}

int ctl_find_cap(const uint8_t *cfg, size_t len, bool ext, uint16_t id)
{
	uint32_t pos, hdr;
	int ttl;

	if (!ext) {
		/* Status bit 4: the device has a capability list. */
		if (len < 0x40 || !(le(cfg, 0x06, 2) & 0x10))
			return -1;
		pos = cfg[0x34] & 0xfc;
		for (ttl = 48; pos >= 0x40 && pos + 2 <= len && ttl; ttl--) {
			if (cfg[pos] == id)
				return (int)pos;
			pos = cfg[pos + 1] & 0xfc;
		}
		return -1;
	}
	pos = 0x100;
	for (ttl = (CFG_SPACE - 0x100) / 8; pos + 4 <= len && ttl; ttl--) {
		hdr = le(cfg, pos, 4);
		if (!hdr || hdr == 0xffffffff)
			return -1;
		if ((hdr & 0xffff) == id)
			return (int)pos;
		pos = (hdr >> 20) & 0xffc;
		if (pos < 0x100)
			return -1;
	}
	return -1;
}

int ctl_reg_parse(const char *s, struct ctl_reg_spec *sp, char *err,
		  size_t errlen)
{
	char buf[64], *dot, *plus;
	uint64_t v;

	memset(sp, 0, sizeof(*sp));
	if (!s || !*s)
		return fail(err, errlen, "empty register");
	if (strlen(s) >= sizeof(buf))
		return fail(err, errlen, "register '%s' is too long", s);
	strcpy(buf, s);
	dot = strrchr(buf, '.');
	if (dot) {
		if (!strcasecmp(dot, ".b"))
			sp->width = 1;
		else if (!strcasecmp(dot, ".w"))
			sp->width = 2;
		else if (!strcasecmp(dot, ".l"))
			sp->width = 4;
		else
			return fail(err, errlen, "register '%s': width suffix '%s' must be .B, .W or .L",
				    s, dot);
		*dot = 0;
	}
	plus = strchr(buf, '+');
	if (plus) {
		*plus++ = 0;
		if (ctl_parse_hex64(plus, &v) || v >= CFG_SPACE)
			return fail(err, errlen, "register '%s': '+%s' must be an offset below 0x1000 (hex)",
				    s, plus);
		sp->add = (uint32_t)v;
	}
	if (!ctl_parse_hex64(buf, &v)) {
		if (v >= CFG_SPACE)
			return fail(err, errlen, "register offset %s is beyond the 4096 bytes of config space",
				    buf);
		sp->base = (uint32_t)v;
		return 0;
	}
	if (buf[0] >= '0' && buf[0] <= '9')
		return fail(err, errlen, "register '%s': '%s' is not a number (hex)",
			    s, buf);
	sp->named = true;
	sp->cap = ctl_cap_by_name(buf);
	if (sp->cap)
		return 0;
	{
		const struct ctl_reg_name *r = ctl_reg_by_name(buf);

		if (!r)
			return fail(err, errlen, "unknown register name '%s' (setpci's names: COMMAND, STATUS, BASE_ADDRESS_0, CAP_MSI, ...)",
				    buf);
		sp->base = r->off;
		if (!sp->width)
			sp->width = r->width;
	}
	return 0;
}

int ctl_reg_resolve(const struct ctl_reg_spec *sp, const uint8_t *cfg,
		    size_t len, uint32_t *off, uint32_t *width, char *err,
		    size_t errlen)
{
	uint32_t base = sp->base, w = sp->width;

	if (sp->cap) {
		int pos = cfg ? ctl_find_cap(cfg, len, sp->cap->ext,
					     sp->cap->id) : -1;

		if (pos < 0)
			return fail(err, errlen, "the device has no %s capability (%s)",
				    sp->cap->desc, sp->cap->name);
		base = (uint32_t)pos;
		if (!w)
			w = 2;
	} else if (!w) {
		w = 4;
	}
	if (base + sp->add + w > CFG_SPACE)
		return fail(err, errlen, "offset 0x%x + %u is beyond the 4096 bytes of config space",
			    base + sp->add, w);
	*off = base + sp->add;
	*width = w;
	return 0;
}
