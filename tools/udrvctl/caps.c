// SPDX-License-Identifier: MIT
/*
 * caps.c - decoding of the capabilities `udrvctl info` shows.  Works on a
 * copy of the config space, so that it runs on the host against made-up
 * devices; fields out of the copy's length are left out, never read.
 */
#include <string.h>
#include "caps.h"
#include "regs.h"

struct cap {
	uint32_t off;
	uint16_t id;
	bool ext;
	uint8_t ver;			/* extended: the header's version */
	const struct ctl_cap_name *name;
};

static uint32_t le(const uint8_t *cfg, size_t off, int bytes)
{
	uint32_t v = 0;
	int i;

	for (i = bytes - 1; i >= 0; i--)
		v = v << 8 | cfg[off + (size_t)i];
	return v;
}

/* Both lists into caps; how many (at most max). */
static size_t walk(const uint8_t *cfg, size_t len, struct cap *caps,
		   size_t max)
{
	size_t n = 0;
	uint32_t pos, hdr;
	int ttl;

	if (len >= 0x40 && (le(cfg, 0x06, 2) & 0x10)) {
		pos = cfg[0x34] & 0xfc;
		for (ttl = 48; pos >= 0x40 && pos + 2 <= len && ttl && n < max;
		     ttl--) {
			caps[n].off = pos;
			caps[n].id = cfg[pos];
			caps[n].ext = false;
			caps[n].ver = 0;
			caps[n].name = ctl_cap_by_id(cfg[pos], false);
			n++;
			pos = cfg[pos + 1] & 0xfc;
		}
	}
	pos = 0x100;
	for (ttl = (4096 - 0x100) / 8; pos + 4 <= len && ttl && n < max;
	     ttl--) {
		hdr = le(cfg, pos, 4);
		if (!hdr || hdr == 0xffffffff)
			break;
		caps[n].off = pos;
		caps[n].id = hdr & 0xffff;
		caps[n].ext = true;
		caps[n].ver = (hdr >> 16) & 0xf;
		caps[n].name = ctl_cap_by_id(hdr & 0xffff, true);
		n++;
		pos = (hdr >> 20) & 0xffc;
		if (pos < 0x100)
			break;
	}
	return n;
}

static const char *const pm_states[] = { "D0", "D1", "D2", "D3hot" };

static const char *link_speed(uint32_t code)
{
	static const char *const s[] = {
		"unknown", "2.5 GT/s", "5 GT/s", "8 GT/s", "16 GT/s",
		"32 GT/s", "64 GT/s",
	};

	return code < sizeof(s) / sizeof(s[0]) ? s[code] : "unknown";
}

static const char *exp_type(uint32_t t)
{
	static const char *const s[] = {
		"Endpoint", "Legacy Endpoint", "type 2", "type 3",
		"Root Port", "Upstream Port", "Downstream Port",
		"PCIe-to-PCI Bridge", "PCI-to-PCIe Bridge",
		"Root Complex Integrated Endpoint",
		"Root Complex Event Collector",
	};

	return t < sizeof(s) / sizeof(s[0]) ? s[t] : "unknown type";
}

/* Whether the port type has a link of its own (integrated ones do not). */
static bool exp_has_link(uint32_t type)
{
	return type != 9 && type != 10;
}

static void text_one(FILE *f, const uint8_t *cfg, size_t len,
		     const struct cap *c)
{
	uint32_t p = c->off, ctrl, v;

	fprintf(f, "[%02x] %s", c->off, c->name ? c->name->desc :
		c->ext ? "extended capability" : "capability");
	if (!c->name)
		fprintf(f, " 0x%02x", c->id);
	if (c->ext) {
		fprintf(f, " v%u\n", c->ver);
		return;
	}
	switch (c->id) {
	case 0x01:	/* PM */
		if (p + 6 > len)
			break;
		v = le(cfg, p + 2, 2);
		fprintf(f, " v%u: D1 %s, D2 %s, PME from", v & 7,
			v & 0x200 ? "yes" : "no", v & 0x400 ? "yes" : "no");
		if (!(v >> 11))
			fprintf(f, " none");
		if (v & 0x0800)
			fprintf(f, " D0");
		if (v & 0x1000)
			fprintf(f, " D1");
		if (v & 0x2000)
			fprintf(f, " D2");
		if (v & 0x4000)
			fprintf(f, " D3hot");
		if (v & 0x8000)
			fprintf(f, " D3cold");
		fprintf(f, ", now in %s", pm_states[le(cfg, p + 4, 2) & 3]);
		break;
	case 0x05:	/* MSI */
		if (p + 4 > len)
			break;
		ctrl = le(cfg, p + 2, 2);
		fprintf(f, ": %u vector%s, %s, %s, ", 1u << ((ctrl >> 1) & 7),
			(ctrl >> 1) & 7 ? "s" : "",
			ctrl & 0x80 ? "64-bit" : "32-bit",
			ctrl & 0x100 ? "per-vector masking" :
				       "no per-vector masking");
		if (ctrl & 1)
			fprintf(f, "enabled (%u)", 1u << ((ctrl >> 4) & 7));
		else
			fprintf(f, "disabled");
		break;
	case 0x11:	/* MSI-X */
		if (p + 12 > len)
			break;
		ctrl = le(cfg, p + 2, 2);
		v = (ctrl & 0x7ff) + 1;
		fprintf(f, ": %u vector%s, table BAR%u+0x%x, PBA BAR%u+0x%x, %s",
			v, v == 1 ? "" : "s", le(cfg, p + 4, 4) & 7,
			le(cfg, p + 4, 4) & ~7u, le(cfg, p + 8, 4) & 7,
			le(cfg, p + 8, 4) & ~7u,
			ctrl & 0x8000 ? (ctrl & 0x4000 ? "enabled, all masked" :
					 "enabled") : "disabled");
		break;
	case 0x10:	/* PCI Express */
		if (p + 0x14 > len)
			break;
		v = le(cfg, p + 2, 2);
		fprintf(f, " v%u %s", v & 0xf, exp_type((v >> 4) & 0xf));
		if (!exp_has_link((v >> 4) & 0xf))
			break;
		ctrl = le(cfg, p + 0x12, 2);	/* link status */
		v = le(cfg, p + 0x0c, 4);	/* link capabilities */
		fprintf(f, ": link %s x%u (capable: %s x%u)",
			link_speed(ctrl & 0xf), (ctrl >> 4) & 0x3f,
			link_speed(v & 0xf), (v >> 4) & 0x3f);
		break;
	default:
		break;
	}
	fputc('\n', f);
}

size_t ctl_caps_text(FILE *f, const uint8_t *cfg, size_t len,
		     const char *indent)
{
	struct cap caps[64];
	size_t n = walk(cfg, len, caps, 64), i;

	for (i = 0; i < n; i++) {
		fputs(indent, f);
		text_one(f, cfg, len, &caps[i]);
	}
	return n;
}

static void json_one(struct ctl_json *j, const uint8_t *cfg, size_t len,
		     const struct cap *c)
{
	uint32_t p = c->off, ctrl, v;

	cj_obj(j, NULL);
	cj_u64(j, "offset", c->off);
	cj_u64(j, "id", c->id);
	cj_bool(j, "extended", c->ext);
	if (c->name) {
		cj_str(j, "name", c->name->name);
		cj_str(j, "description", c->name->desc);
	} else {
		cj_null(j, "name");
	}
	if (c->ext) {
		cj_u64(j, "version", c->ver);
	} else if (c->id == 0x01 && p + 6 <= len) {
		v = le(cfg, p + 2, 2);
		cj_u64(j, "version", v & 7);
		cj_bool(j, "d1", v & 0x200);
		cj_bool(j, "d2", v & 0x400);
		cj_u64(j, "pme_support", v >> 11);
		cj_str(j, "state", pm_states[le(cfg, p + 4, 2) & 3]);
	} else if (c->id == 0x05 && p + 4 <= len) {
		ctrl = le(cfg, p + 2, 2);
		cj_u64(j, "vectors", 1u << ((ctrl >> 1) & 7));
		cj_bool(j, "enabled", ctrl & 1);
		cj_u64(j, "enabled_vectors",
		       ctrl & 1 ? 1u << ((ctrl >> 4) & 7) : 0);
		cj_bool(j, "addr64", ctrl & 0x80);
		cj_bool(j, "per_vector_mask", ctrl & 0x100);
	} else if (c->id == 0x11 && p + 12 <= len) {
		ctrl = le(cfg, p + 2, 2);
		cj_u64(j, "vectors", (ctrl & 0x7ff) + 1);
		cj_bool(j, "enabled", ctrl & 0x8000);
		cj_bool(j, "function_mask", ctrl & 0x4000);
		cj_u64(j, "table_bar", le(cfg, p + 4, 4) & 7);
		cj_hex(j, "table_offset", le(cfg, p + 4, 4) & ~7u, 1);
		cj_u64(j, "pba_bar", le(cfg, p + 8, 4) & 7);
		cj_hex(j, "pba_offset", le(cfg, p + 8, 4) & ~7u, 1);
	} else if (c->id == 0x10 && p + 0x14 <= len) {
		v = le(cfg, p + 2, 2);
		cj_u64(j, "version", v & 0xf);
		cj_str(j, "type", exp_type((v >> 4) & 0xf));
		if (exp_has_link((v >> 4) & 0xf)) {
			ctrl = le(cfg, p + 0x12, 2);
			v = le(cfg, p + 0x0c, 4);
			cj_str(j, "link_speed", link_speed(ctrl & 0xf));
			cj_u64(j, "link_width", (ctrl >> 4) & 0x3f);
			cj_str(j, "link_capable_speed", link_speed(v & 0xf));
			cj_u64(j, "link_capable_width", (v >> 4) & 0x3f);
		}
	}
	cj_end(j, '}');
}

void ctl_caps_json(struct ctl_json *j, const uint8_t *cfg, size_t len)
{
	struct cap caps[64];
	size_t n = walk(cfg, len, caps, 64), i;

	cj_arr(j, "capabilities");
	for (i = 0; i < n; i++)
		json_one(j, cfg, len, &caps[i]);
	cj_end(j, ']');
}

const char *ctl_class_name(uint32_t cc)
{
	static const struct {
		uint16_t cls;		/* class << 8 | subclass */
		const char *name;
	} sub[] = {
		{ 0x0000, "Non-VGA unclassified device" },
		{ 0x0001, "VGA compatible unclassified device" },
		{ 0x0100, "SCSI storage controller" },
		{ 0x0101, "IDE interface" },
		{ 0x0104, "RAID bus controller" },
		{ 0x0106, "SATA controller" },
		{ 0x0108, "Non-Volatile memory controller" },
		{ 0x0200, "Ethernet controller" },
		{ 0x0280, "Network controller" },
		{ 0x0300, "VGA compatible controller" },
		{ 0x0380, "Display controller" },
		{ 0x0401, "Multimedia audio controller" },
		{ 0x0403, "Audio device" },
		{ 0x0500, "RAM memory" },
		{ 0x0580, "Memory controller" },
		{ 0x0600, "Host bridge" },
		{ 0x0601, "ISA bridge" },
		{ 0x0604, "PCI bridge" },
		{ 0x0680, "Bridge" },
		{ 0x0700, "Serial controller" },
		{ 0x0780, "Communication controller" },
		{ 0x0800, "PIC" },
		{ 0x0880, "System peripheral" },
		{ 0x0c03, "USB controller" },
		{ 0x0c05, "SMBus" },
		{ 0x1180, "Signal processing controller" },
	};
	static const char *const base[] = {
		"Unclassified device", "Mass storage controller",
		"Network controller", "Display controller",
		"Multimedia controller", "Memory controller", "Bridge",
		"Communication controller", "Generic system peripheral",
		"Input device controller", "Docking station", "Processor",
		"Serial bus controller", "Wireless controller",
		"Intelligent controller", "Satellite communications controller",
		"Encryption controller", "Signal processing controller",
		"Processing accelerators", "Non-Essential Instrumentation",
	};
	uint16_t cls = (uint16_t)(cc >> 8);
	size_t i;

	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
		if (sub[i].cls == cls)
			return sub[i].name;
	if ((cls >> 8) < sizeof(base) / sizeof(base[0]))
		return base[cls >> 8];
	if ((cls >> 8) == 0xff)
		return "Unassigned class";
	return "Unknown class";
}
