// SPDX-License-Identifier: MIT
/* udrvctl's parsers and formatters. */
#include <stdlib.h>
#include "tap.h"
#include "../../tools/udrvctl/parse.h"

static void bdf_ok(const char *s, unsigned int dom, unsigned int bus,
		   unsigned int dev, unsigned int fn)
{
	WD_PCI_SLOT slot = { 0xeeee, 0xee, 0xee, 0xee };

	ok(!ctl_parse_bdf(s, &slot) && slot.domain == dom &&
	   slot.bus == bus && slot.slot == dev && slot.function == fn,
	   "BDF '%s' -> %04x:%02x:%02x.%x", s, dom, bus, dev, fn);
}

static void bdf_bad(const char *s)
{
	WD_PCI_SLOT slot;

	ok(ctl_parse_bdf(s, &slot) == -1, "BDF '%s' is rejected", s);
}

static void num_ok(const char *s, uint64_t want)
{
	uint64_t v = 12345;

	ok(!ctl_parse_u64(s, &v) && v == want, "number '%s' -> %llu", s,
	   (unsigned long long)want);
}

static void num_bad(const char *s)
{
	uint64_t v = 12345;

	ok(ctl_parse_u64(s, &v) == -1 && v == 12345,
	   "number '%s' is rejected", s);
}

/* Does lspci-style filter (-s or -d) `s` take 0000:00:03.0 1234:11e8? */
static int filt(int slot_filter, const char *s, unsigned int bus,
		unsigned int dev, unsigned int fn)
{
	WD_PCI_SLOT slot = { 0, (uint8_t)bus, (uint8_t)dev, (uint8_t)fn };
	WD_PCI_ID id = { 0x1234, 0x11e8 };
	struct ctl_filter f;

	ctl_filter_init(&f);
	if (slot_filter ? ctl_parse_slot_filter(s, &f) :
			  ctl_parse_id_filter(s, &f))
		return -1;
	return ctl_filter_match(&f, slot, id);
}

static char *dump(void (*fn)(FILE *), size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	fn(f);
	fclose(f);
	return buf;
}

static void dump_cfg(FILE *f)
{
	uint8_t cfg[20];
	int i;

	for (i = 0; i < 20; i++)
		cfg[i] = (uint8_t)i;
	ctl_dump_cfg(f, cfg, sizeof(cfg));
}

static void dump_cfg_ext(FILE *f)
{
	static uint8_t cfg[4096];

	ctl_dump_cfg(f, cfg, sizeof(cfg));
}

static void dump_bar4(FILE *f)
{
	uint8_t b[20] = { 0xed, 0, 0, 1, 0xff, 0xff, 0xff, 0xff };

	ctl_dump_bar(f, 0x100, b, sizeof(b), 4);
}

static void dump_bar1(FILE *f)
{
	uint8_t b[3] = { 0xab, 0xcd, 0xef };

	ctl_dump_bar(f, 0x101, b, sizeof(b), 1);
}

int main(void)
{
	WD_PCI_SLOT slot = { 0x10, 0x2, 0x1f, 7 };
	char buf[64], *out;
	uint32_t v32, w;
	uint64_t v64;
	size_t len;

	bdf_ok("0000:00:03.0", 0, 0, 3, 0);
	bdf_ok("00:03.0", 0, 0, 3, 0);
	bdf_ok("ffff:ff:1f.7", 0xffff, 0xff, 0x1f, 7);
	bdf_ok("0001:0A:1F.1", 1, 0xa, 0x1f, 1);
	bdf_ok("0:0:3.0", 0, 0, 3, 0);
	bdf_bad("00:20.0");
	bdf_bad("00:03.8");
	bdf_bad("10000:00:03.0");
	bdf_bad("100:03.0");
	bdf_bad("00:03");
	bdf_bad("00:03.");
	bdf_bad("00:03.0 ");
	bdf_bad(" 00:03.0");
	bdf_bad("00:03.0.0");
	bdf_bad("0:0:0:03.0");
	bdf_bad("03.0");
	bdf_bad("");
	bdf_bad("garbage");
	bdf_bad("0x00:03.0");
	bdf_bad("-1:03.0");
	ok(!strcmp(ctl_fmt_bdf(slot, buf), "0010:02:1f.7"),
	   "BDF formats as lspci does");

	num_ok("0", 0);
	num_ok("42", 42);
	num_ok("0x2A", 42);
	num_ok("0x100000", 0x100000);
	num_ok("010", 10);		/* decimal, not octal */
	num_ok("18446744073709551615", UINT64_MAX);
	num_ok("0xffffffffffffffff", UINT64_MAX);
	num_bad("18446744073709551616");
	num_bad("0x10000000000000000");
	num_bad("");
	num_bad("0x");
	num_bad("-1");
	num_bad("+1");
	num_bad(" 1");
	num_bad("1 ");
	num_bad("12abc");
	num_bad("0x12g");
	num_bad("0x0x5");
	num_bad("1e3");
	/* Offsets and values: hex, with or without 0x (setpci's way). */
	ok(!ctl_parse_hex64("10", &v64) && v64 == 0x10, "hex '10' -> 0x10");
	ok(!ctl_parse_hex64("0x10", &v64) && v64 == 0x10, "hex '0x10' -> 0x10");
	ok(!ctl_parse_hex64("FfFf", &v64) && v64 == 0xffff, "hex 'FfFf' -> 0xffff");
	ok(!ctl_parse_hex64("ffffffffffffffff", &v64) && v64 == UINT64_MAX,
	   "hex takes 2^64-1");
	ok(ctl_parse_hex64("10000000000000000", &v64) == -1, "hex rejects 2^64");
	ok(ctl_parse_hex64("", &v64) == -1 && ctl_parse_hex64("0x", &v64) == -1 &&
	   ctl_parse_hex64("g", &v64) == -1 && ctl_parse_hex64("-1", &v64) == -1,
	   "hex rejects '', '0x', 'g', '-1'");
	ok(!ctl_parse_hex32("ffffffff", &v32) && v32 == UINT32_MAX &&
	   ctl_parse_hex32("100000000", &v32) == -1, "hex32: 0xffffffff yes, 2^32 no");
	ok(!ctl_parse_u32("0xffffffff", &v32) && v32 == UINT32_MAX,
	   "u32 takes 0xffffffff");
	ok(ctl_parse_u32("0x100000000", &v32) == -1, "u32 rejects 2^32");
	ok(!ctl_parse_width("8", 8, &w) && w == 8, "width 8 where allowed");
	ok(ctl_parse_width("8", 4, &w) == -1, "width 8 where it is not");
	ok(ctl_parse_width("3", 8, &w) == -1 && ctl_parse_width("0", 8, &w) == -1 &&
	   ctl_parse_width("16", 8, &w) == -1, "widths 3, 0, 16 rejected");

	ok(!strcmp(ctl_fmt_size(1 << 20, buf, sizeof(buf)), "1 MiB"), "1 MiB");
	ok(!strcmp(ctl_fmt_size(4096, buf, sizeof(buf)), "4 KiB"), "4 KiB");
	ok(!strcmp(ctl_fmt_size(32, buf, sizeof(buf)), "32 bytes"), "32 bytes");
	ok(!strcmp(ctl_fmt_size(1536, buf, sizeof(buf)), "1536 bytes"),
	   "1536 bytes (not a whole KiB)");
	ok(!strcmp(ctl_fmt_size(1ULL << 36, buf, sizeof(buf)), "64 GiB"),
	   "64 GiB");

	ok(filt(1, "00:03.0", 0, 3, 0) == 1 && filt(1, "00:03.0", 0, 3, 1) == 0,
	   "-s BUS:DEV.FN");
	ok(filt(1, "0000:00:03.0", 0, 3, 0) == 1 && filt(1, "0001:00:03.0", 0, 3, 0) == 0,
	   "-s DOMAIN:BUS:DEV.FN");
	ok(filt(1, "3", 0, 3, 5) == 1 && filt(1, "03", 1, 3, 0) == 1 &&
	   filt(1, "3", 0, 4, 0) == 0, "-s DEV: any bus, any function");
	ok(filt(1, ".1", 7, 9, 1) == 1 && filt(1, ".1", 7, 9, 0) == 0, "-s .FN");
	ok(filt(1, "1:", 1, 4, 2) == 1 && filt(1, "1:", 0, 4, 2) == 0,
	   "-s BUS: (any device)");
	ok(filt(1, "*:*.*", 5, 6, 7) == 1 && filt(1, "", 5, 6, 7) == 1,
	   "-s with * or empty fields matches anything");
	ok(filt(1, "00:20.0", 0, 0, 0) == -1 && filt(1, "00:03.8", 0, 0, 0) == -1 &&
	   filt(1, "0:0:0:3", 0, 0, 0) == -1 && filt(1, "00:0g", 0, 0, 0) == -1 &&
	   filt(1, "00:03.0.0", 0, 0, 0) == -1 && filt(1, "12345:0:0", 0, 0, 0) == -1,
	   "-s rejects bad fields and shapes");
	ok(filt(0, "1234:11e8", 0, 3, 0) == 1 && filt(0, "1234:11e9", 0, 3, 0) == 0,
	   "-d VENDOR:DEVICE");
	ok(filt(0, "1234:", 0, 3, 0) == 1 && filt(0, ":11e8", 0, 3, 0) == 1 &&
	   filt(0, "*:11e8", 0, 3, 0) == 1 && filt(0, "8086:", 0, 3, 0) == 0,
	   "-d with an empty or * field");
	ok(filt(0, "1234", 0, 0, 0) == -1 && filt(0, "1234:11e8:0", 0, 0, 0) == -1 &&
	   filt(0, "12345:1", 0, 0, 0) == -1 && filt(0, "zz:1", 0, 0, 0) == -1,
	   "-d rejects bad IDs");

	out = dump(dump_cfg, &len);
	ok(!strcmp(out, "00: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f\n"
			"10: 10 11 12 13\n"), "config dump like lspci -xxx");
	free(out);
	out = dump(dump_cfg_ext, &len);
	ok(strstr(out, "\nff0: 00") && !strncmp(out, "000: ", 5) &&
	   len == 256 * (5 + 48), "extended config dump has 3-digit offsets");
	free(out);
	out = dump(dump_bar4, &len);
	ok(!strcmp(out, "00000100: 010000ed ffffffff 00000000 00000000\n"
			"00000110: 00000000\n"), "BAR dump in dwords");
	free(out);
	out = dump(dump_bar1, &len);
	ok(!strcmp(out, "00000101: ab cd ef\n"), "BAR dump in bytes");
	free(out);
	return tap_done();
}
