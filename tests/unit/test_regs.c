// SPDX-License-Identifier: MIT
/*
 * udrvctl's config-space register names (setpci's), the capability walk,
 * the decoding `info` prints, class names, and the JSON of --json (checked
 * with python3 -m json.tool when the host has it).
 */
#include <stdlib.h>
#include "tap.h"
#include "../../tools/udrvctl/caps.h"
#include "../../tools/udrvctl/cmds.h"
#include "../../tools/udrvctl/json.h"
#include "../../tools/udrvctl/regs.h"

static uint8_t cfg[4096];

static void put(uint32_t off, uint32_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		cfg[off + (uint32_t)i] = (uint8_t)(v >> (8 * i));
}

/*
 * A made-up PCIe endpoint: PM at 0x40, MSI at 0x50, PCIe at 0x70, MSI-X
 * at 0xa0; AER at 0x100, DSN at 0x140.
 */
static void make_device(void)
{
	memset(cfg, 0, sizeof(cfg));
	put(0x00, 0x11e81234, 4);
	put(0x06, 0x0010, 2);		/* status: capability list */
	put(0x34, 0x40, 1);
	put(0x40, 0x5001, 2);		/* PM, next 0x50 */
	put(0x42, 0x4803 | 0x200, 2);	/* v3, D1, PME from D0 and D3hot */
	put(0x44, 0x0003, 2);		/* in D3hot */
	put(0x50, 0x7005, 2);		/* MSI, next 0x70 */
	put(0x52, 0x00ab, 2);		/* 32 capable, 4 enabled, 64-bit */
	put(0x70, 0xa010, 2);		/* PCIe, next 0xa0 */
	put(0x72, 0x0002, 2);		/* v2 Endpoint */
	put(0x7c, 0x0043, 4);		/* link capable: 8 GT/s x4 */
	put(0x82, 0x0011, 2);		/* link now: 2.5 GT/s x1 */
	put(0xa0, 0x0011, 2);		/* MSI-X, last */
	put(0xa2, 0x0004, 2);		/* 5 vectors, disabled */
	put(0xa4, 0x00000003, 4);	/* table: BAR3 + 0 */
	put(0xa8, 0x00002003, 4);	/* PBA: BAR3 + 0x2000 */
	put(0x100, 0x14020001, 4);	/* AER v2, next 0x140 */
	put(0x140, 0x00010003, 4);	/* DSN v1, last */
}

static void reg_ok(const char *s, uint32_t off, uint32_t width)
{
	struct ctl_reg_spec sp;
	uint32_t o = 0, w = 0;
	char err[256] = "";
	int r;

	r = ctl_reg_parse(s, &sp, err, sizeof(err));
	if (!r)
		r = ctl_reg_resolve(&sp, cfg, sizeof(cfg), &o, &w, err,
				    sizeof(err));
	ok(!r && o == off && w == width, "register '%s' -> 0x%x, %u byte%s%s%s",
	   s, off, width, width == 1 ? "" : "s", r ? ": " : "", r ? err : "");
}

/* at: 1 = the parser refuses, 2 = the resolution does; msg in err. */
static void reg_bad(const char *s, int at, const char *msg)
{
	struct ctl_reg_spec sp;
	uint32_t o, w;
	char err[256] = "";
	int r = ctl_reg_parse(s, &sp, err, sizeof(err)) ? 1 : 0;

	if (!r && ctl_reg_resolve(&sp, cfg, sizeof(cfg), &o, &w, err,
				  sizeof(err)))
		r = 2;
	ok(r == at && strstr(err, msg) != NULL,
	   "register '%s' refused by the %s: '%s'", s,
	   at == 1 ? "parser" : "resolution", err);
}

/* setpci's table (pciutils lib/header.h), every standard-header name. */
static const struct ctl_reg_name want[] = {
	{ "VENDOR_ID", 0x00, 2 }, { "DEVICE_ID", 0x02, 2 },
	{ "COMMAND", 0x04, 2 }, { "STATUS", 0x06, 2 },
	{ "REVISION", 0x08, 1 }, { "CLASS_PROG", 0x09, 1 },
	{ "CLASS_DEVICE", 0x0a, 2 }, { "CACHE_LINE_SIZE", 0x0c, 1 },
	{ "LATENCY_TIMER", 0x0d, 1 }, { "HEADER_TYPE", 0x0e, 1 },
	{ "BIST", 0x0f, 1 }, { "BASE_ADDRESS_0", 0x10, 4 },
	{ "BASE_ADDRESS_1", 0x14, 4 }, { "BASE_ADDRESS_2", 0x18, 4 },
	{ "BASE_ADDRESS_3", 0x1c, 4 }, { "BASE_ADDRESS_4", 0x20, 4 },
	{ "BASE_ADDRESS_5", 0x24, 4 }, { "CARDBUS_CIS", 0x28, 4 },
	{ "SUBSYSTEM_VENDOR_ID", 0x2c, 2 }, { "SUBSYSTEM_ID", 0x2e, 2 },
	{ "ROM_ADDRESS", 0x30, 4 }, { "CAPABILITY_LIST", 0x34, 1 },
	{ "INTERRUPT_LINE", 0x3c, 1 }, { "INTERRUPT_PIN", 0x3d, 1 },
	{ "MIN_GNT", 0x3e, 1 }, { "MAX_LAT", 0x3f, 1 },
	{ "SECONDARY_BUS", 0x19, 1 }, { "BRIDGE_CONTROL", 0x3e, 2 },
};

static char *capture_caps(size_t len)
{
	char *buf = NULL;
	size_t n;
	FILE *f = open_memstream(&buf, &n);

	ctl_caps_text(f, cfg, len, "  ");
	fclose(f);
	return buf;
}

/* 1 valid, 0 invalid, -1 no python3 to tell. */
static int json_valid(const char *text)
{
	FILE *p;
	int st;

	if (system("python3 -c '' >/dev/null 2>&1"))
		return -1;
	p = popen("python3 -m json.tool >/dev/null", "w");
	if (!p)
		return -1;
	fputs(text, p);
	st = pclose(p);
	return st == 0;
}

static void json_check(const char *what, const char *text)
{
	int v = json_valid(text);

	if (v < 0)
		skip("no python3", "%s is valid JSON", what);
	else if (!ok(v == 1, "%s is valid JSON (python3 -m json.tool)", what))
		printf("# %s\n", text);
}

int main(void)
{
	WD_PCI_CARD_INFO info;
	struct ctl_json j;
	char *out = NULL, *exp;
	size_t n, i;
	FILE *f;
	bool all = true;

	make_device();
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct ctl_reg_name *r = ctl_reg_by_name(want[i].name);

		if (!r || r->off != want[i].off || r->width != want[i].width) {
			printf("# %s: %s\n", want[i].name, r ? "wrong" : "missing");
			all = false;
		}
	}
	ok(all, "every setpci standard-header name, with its offset and width");
	ok(ctl_reg_by_name("NO_SUCH") == NULL, "unknown names are not found");
	ok(ctl_cap_by_name("cap_msix") && ctl_cap_by_name("cap_msix")->id == 0x11,
	   "capability names, any case");

	ok(ctl_find_cap(cfg, sizeof(cfg), false, 0x05) == 0x50, "walk: MSI at 0x50");
	ok(ctl_find_cap(cfg, sizeof(cfg), false, 0x11) == 0xa0, "walk: MSI-X, the last, at 0xa0");
	ok(ctl_find_cap(cfg, sizeof(cfg), false, 0x03) == -1, "walk: no VPD");
	ok(ctl_find_cap(cfg, sizeof(cfg), true, 0x03) == 0x140, "walk: extended DSN at 0x140");
	ok(ctl_find_cap(cfg, 256, true, 0x01) == -1,
	   "walk: no extended list in 256 bytes");
	cfg[0xa1] = 0xa0;		/* a loop */
	ok(ctl_find_cap(cfg, sizeof(cfg), false, 0x03) == -1, "walk: a loop ends");
	cfg[0xa1] = 0xff;		/* beyond 256 bytes */
	ok(ctl_find_cap(cfg, 256, false, 0x03) == -1, "walk: a pointer out of range ends");
	cfg[0xa1] = 0;
	put(0x06, 0, 2);
	ok(ctl_find_cap(cfg, sizeof(cfg), false, 0x05) == -1,
	   "walk: no list unless the status register says so");
	put(0x06, 0x10, 2);

	reg_ok("COMMAND", 0x04, 2);
	reg_ok("command", 0x04, 2);
	reg_ok("BASE_ADDRESS_5", 0x24, 4);
	reg_ok("INTERRUPT_PIN", 0x3d, 1);
	reg_ok("COMMAND.B", 0x04, 1);
	reg_ok("STATUS+1.b", 0x07, 1);
	reg_ok("BASE_ADDRESS_0+2", 0x12, 4);
	reg_ok("CAP_MSI", 0x50, 2);
	reg_ok("CAP_MSI+2", 0x52, 2);
	reg_ok("CAP_EXP+0x12.w", 0x82, 2);
	reg_ok("CAP_MSIX+4.L", 0xa4, 4);
	reg_ok("CAP_PM+4.b", 0x44, 1);
	reg_ok("ECAP_DSN+4.L", 0x144, 4);
	reg_ok("ECAP_AER", 0x100, 2);
	reg_ok("0x3c.b", 0x3c, 1);
	reg_ok("60", 0x60, 4);		/* hex without 0x, as setpci */
	reg_ok("CAP_EXP+12.w", 0x82, 2);
	reg_ok("0xffc", 0xffc, 4);
	reg_bad("FOO", 1, "unknown register name 'FOO'");
	reg_bad("COMMAND.q", 1, "must be .B, .W or .L");
	reg_bad("COMMAND+", 1, "must be an offset below 0x1000");
	reg_bad("COMMAND+0x1000", 1, "must be an offset below 0x1000");
	reg_bad("COMMAND+1000", 1, "must be an offset below 0x1000");
	reg_bad("CAP_MSI+zz", 1, "must be an offset below 0x1000");
	reg_bad("0x1000", 1, "beyond the 4096 bytes");
	reg_bad("1xyz", 1, "is not a number");
	reg_bad("1abc", 1, "beyond the 4096 bytes");
	reg_bad("", 1, "empty register");
	reg_bad("CAP_VPD", 2, "no Vital Product Data capability (CAP_VPD)");
	reg_bad("0xffe", 2, "beyond the 4096 bytes");
	reg_bad("ECAP_DSN+0xebd.l", 2, "beyond the 4096 bytes");

	out = capture_caps(sizeof(cfg));
	exp = "  [40] Power Management v3: D1 yes, D2 no, PME from D0 D3hot, now in D3hot\n"
	      "  [50] MSI: 32 vectors, 64-bit, no per-vector masking, enabled (4)\n"
	      "  [70] PCI Express v2 Endpoint: link 2.5 GT/s x1 (capable: 8 GT/s x4)\n"
	      "  [a0] MSI-X: 5 vectors, table BAR3+0x0, PBA BAR3+0x2000, disabled\n"
	      "  [100] Advanced Error Reporting v2\n"
	      "  [140] Device Serial Number v1\n";
	if (!ok(!strcmp(out, exp), "capabilities decoded by name"))
		printf("# got:\n%s", out);
	free(out);
	out = capture_caps(0x60);
	ok(!strcmp(out, "  [40] Power Management v3: D1 yes, D2 no, PME from D0 D3hot, now in D3hot\n"
			"  [50] MSI: 32 vectors, 64-bit, no per-vector masking, enabled (4)\n"),
	   "a short copy: what lies beyond it is left out, never read");
	free(out);

	ok(!strcmp(ctl_class_name(0x00ff00), "Unclassified device"), "class 00ff: Unclassified device");
	ok(!strcmp(ctl_class_name(0x020000), "Ethernet controller"), "class 0200: Ethernet controller");
	ok(!strcmp(ctl_class_name(0x060000), "Host bridge"), "class 0600: Host bridge");
	ok(!strcmp(ctl_class_name(0x070002), "Serial controller"), "class 0700: Serial controller");
	ok(!strcmp(ctl_class_name(0x0b4000), "Processor"), "class 0b40: Processor (base class)");

	f = open_memstream(&out, &n);
	cj_init(&j, f);
	cj_obj(&j, NULL);
	cj_str(&j, "s", "a\"b\\c\nd\x01");
	cj_arr(&j, "empty");
	cj_end(&j, ']');
	cj_obj(&j, "o");
	cj_u64(&j, "n", UINT64_MAX);
	cj_bool(&j, "t", true);
	cj_null(&j, "z");
	cj_hex(&j, "h", 0xbeef, 8);
	cj_end(&j, '}');
	cj_end(&j, '}');
	fclose(f);
	exp = "{\n  \"s\": \"a\\\"b\\\\c\\nd\\u0001\",\n  \"empty\": [],\n"
	      "  \"o\": {\n    \"n\": 18446744073709551615,\n    \"t\": true,\n"
	      "    \"z\": null,\n    \"h\": \"0x0000beef\"\n  }\n}\n";
	if (!ok(!strcmp(out, exp), "JSON writer: layout, escapes, types"))
		printf("# got:\n%s", out);
	json_check("the writer's output", out);
	free(out);

	memset(&info, 0, sizeof(info));
	info.slot.slot = 3;
	info.id.vendor = 0x1234;
	info.id.device = 0x11e8;
	info.class_code = 0x00ff00;
	info.revision = 0x10;
	info.caps = WD_CAP_MSI | WD_CAP_INTX | WD_CAP_PCIE;
	info.msi_vectors = 1;
	info.bound = 1;
	info.cfg_size = 4096;
	info.num_items = 3;
	info.item[0] = (WD_ITEM){ .type = WD_ITEM_MEM, .bar = 0,
				  .phys_addr = 0xfea00000, .length = 1 << 20,
				  .flags = WD_ITEM_MAPPABLE };
	info.item[1] = (WD_ITEM){ .type = WD_ITEM_IO, .bar = 1,
				  .phys_addr = 0xc000, .length = 32 };
	info.item[2] = (WD_ITEM){ .type = WD_ITEM_INTERRUPT, .irq = 11 };
	f = open_memstream(&out, &n);
	cj_init(&j, f);
	ctl_json_device(&j, &info, "udrv", cfg, sizeof(cfg));
	fclose(f);
	ok(strstr(out, "\"bdf\": \"0000:00:03.0\",\n  \"vendor\": \"1234\",\n  \"device\": \"11e8\"") &&
	   strstr(out, "\"driver\": \"udrv\"") && strstr(out, "\"irq\": 11") &&
	   strstr(out, "\"address\": \"0xfea00000\",\n      \"size\": 1048576") &&
	   strstr(out, "\"name\": \"CAP_MSIX\"") && strstr(out, "\"link_capable_speed\": \"8 GT/s\""),
	   "info --json: the device's members");
	json_check("info --json", out);
	free(out);
	f = open_memstream(&out, &n);
	cj_init(&j, f);
	cj_arr(&j, NULL);
	ctl_json_device(&j, &info, "", NULL, 0);
	info.num_items = 0;
	ctl_json_device(&j, &info, "", NULL, 0);
	cj_end(&j, ']');
	fclose(f);
	ok(strstr(out, "\"driver\": null") && !strstr(out, "capabilities") &&
	   strstr(out, "\"irq\": null"), "list --json: no driver, no IRQ");
	json_check("list --json", out);
	free(out);
	return tap_done();
}
