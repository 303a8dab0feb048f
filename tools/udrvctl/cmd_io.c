// SPDX-License-Identifier: MIT
/*
 * cmd_io.c - udrvctl cfg, read, write, dump: config space and registers.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "json.h"
#include "parse.h"
#include "regs.h"

static int bad_number(const char *cmd, const char *what, const char *arg)
{
	return ctl_usage_error("%s: %s '%s' is not a number (offsets and values are hex, 0x optional)",
			       cmd, what, arg);
}

static int bad_width(const char *cmd, const char *arg, uint32_t max)
{
	return ctl_usage_error("%s: width '%s' must be 1, 2, 4%s (bytes)", cmd,
			       arg, max == 8 ? " or 8" : "");
}

static int value_fits(const char *cmd, uint64_t v, uint32_t width)
{
	if (width < 8 && v >> (8 * width))
		return ctl_usage_error("%s: value 0x%llx does not fit in %u byte%s",
				       cmd, (unsigned long long)v, width,
				       width == 1 ? "" : "s");
	return 0;
}

static int cfg_dump(WD_PCI_SLOT slot, bool json)
{
	WD_PCI_CARD_INFO info;
	uint8_t buf[UDRV_CFG_EXTENDED];
	char bdf[CTL_BDF_LEN], hex[2 * UDRV_CFG_EXTENDED + 1];
	struct ctl_json j;
	size_t len, i;

	memset(&info, 0, sizeof(info));
	info.slot = slot;
	if (WDC_PciGetDeviceInfo(&info) ||
	    ctl_read_cfg(slot, info.cfg_size, buf, &len, true))
		return ctl_lib_error("cfg");
	if (!json) {
		ctl_dump_cfg(stdout, buf, len);
		return 0;
	}
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", buf[i]);
	cj_init(&j, stdout);
	cj_obj(&j, NULL);
	cj_str(&j, "bdf", ctl_fmt_bdf(slot, bdf));
	cj_u64(&j, "size", len);
	cj_str(&j, "data", hex);
	cj_end(&j, '}');
	return 0;
}

/* A register named on the command line, resolved against the device. */
struct cfg_op {
	const char *reg;	/* as given */
	uint32_t off, width;
	bool write, json;
	uint64_t value;
};

static void print_value(const struct cfg_op *op, WD_PCI_SLOT slot,
			uint32_t v)
{
	char bdf[CTL_BDF_LEN];
	struct ctl_json j;

	if (!op->json) {
		printf("0x%0*x\n", (int)(2 * op->width), v);
		return;
	}
	cj_init(&j, stdout);
	cj_obj(&j, NULL);
	cj_str(&j, "bdf", ctl_fmt_bdf(slot, bdf));
	cj_str(&j, "register", op->reg);
	cj_u64(&j, "offset", op->off);
	cj_u64(&j, "width", op->width);
	cj_hex(&j, "value", v, (int)(2 * op->width));
	cj_end(&j, '}');
}

static int cfg_read(WD_PCI_SLOT slot, const struct cfg_op *op)
{
	uint8_t b[4] = { 0 };
	uint32_t v;

	if (WDC_PciReadCfgBySlot(slot, op->off, b, op->width))
		return ctl_lib_error("cfg");
	v = b[0] | b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	print_value(op, slot, v);
	return 0;
}

static int cfg_write(WD_PCI_SLOT slot, const struct cfg_op *op)
{
	WDC_DEVICE_HANDLE dev;
	uint32_t st, v = (uint32_t)op->value, off = op->off;
	int ret;

	/* The agent takes config writes only from a registration. */
	ret = ctl_open_device("cfg", slot, &dev);
	if (ret)
		return ret;
	st = op->width == 1 ? WDC_PciWriteCfg8(dev, off, (uint8_t)v) :
	     op->width == 2 ? WDC_PciWriteCfg16(dev, off, (uint16_t)v) :
			      WDC_PciWriteCfg32(dev, off, v);
	ret = st ? ctl_lib_error("cfg") : 0;
	WDC_PciDeviceClose(dev);
	return ret;
}

/* Whether s is a bare number: the old form, OFF [WIDTH [VALUE]]. */
static bool bare_number(const char *s)
{
	uint32_t v;

	return !ctl_parse_hex32(s, &v);
}

/* The arguments after BDF into op; 0 or the exit status. */
static int cfg_parse(int argc, char **argv, struct cfg_op *op,
		     struct ctl_reg_spec *sp)
{
	static char reg[64];
	const char *val = NULL, *eq = strchr(argv[0], '=');
	char err[256];

	if (eq) {
		if (argc > 1)
			return ctl_usage_error("cfg: REG=VALUE takes nothing after it ('%s')",
					       argv[1]);
		if ((size_t)(eq - argv[0]) >= sizeof(reg))
			return ctl_usage_error("cfg: register '%s' is too long",
					       argv[0]);
		memcpy(reg, argv[0], (size_t)(eq - argv[0]));
		reg[eq - argv[0]] = 0;
		op->reg = reg;
		val = eq + 1;
	} else {
		op->reg = argv[0];
	}
	if (ctl_reg_parse(op->reg, sp, err, sizeof(err)))
		return ctl_usage_error("cfg: %s", err);
	if (!eq && bare_number(op->reg)) {
		if (argc > 3)
			return ctl_usage_error("cfg: unexpected argument '%s' (cfg BDF OFF [WIDTH [VALUE]])",
					       argv[3]);
		if (argc > 1 && ctl_parse_width(argv[1], 4, &sp->width))
			return bad_width("cfg", argv[1], 4);
		if (argc > 2)
			val = argv[2];
	} else if (!eq) {
		if (argc > 2)
			return ctl_usage_error("cfg: unexpected argument '%s' (cfg BDF REG [VALUE])",
					       argv[2]);
		if (argc > 1)
			val = argv[1];
	}
	if (val && ctl_parse_hex64(val, &op->value))
		return bad_number("cfg", "value", val);
	op->write = val != NULL;
	return 0;
}

int cmd_cfg(int argc, char **argv)
{
	struct cfg_op op = { .json = ctl_take_flag(&argc, argv, "--json",
						   NULL) };
	struct ctl_reg_spec sp;
	uint8_t cfg[UDRV_CFG_EXTENDED];
	WD_PCI_CARD_INFO info;
	char err[256], bdf[CTL_BDF_LEN];
	size_t len = 0;
	WD_PCI_SLOT slot;
	int ret;

	if (argc < 1)
		return ctl_usage_error("cfg: which device? (cfg BDF [REG [VALUE]])");
	ret = ctl_get_slot("cfg", argv[0], &slot);
	if (ret)
		return ret;
	if (argc > 1 && (ret = cfg_parse(argc - 1, argv + 1, &op, &sp)))
		return ret;
	if (op.write && op.json)
		return ctl_usage_error("cfg: --json is for reads");
	ret = ctl_open_lib("cfg");
	if (ret)
		return ret;
	if (argc == 1) {
		ret = cfg_dump(slot, op.json);
		goto out;
	}
	if (sp.cap) {
		memset(&info, 0, sizeof(info));
		info.slot = slot;
		if (WDC_PciGetDeviceInfo(&info) ||
		    ctl_read_cfg(slot, info.cfg_size, cfg, &len, false)) {
			ret = ctl_lib_error("cfg");
			goto out;
		}
	}
	if (ctl_reg_resolve(&sp, len ? cfg : NULL, len, &op.off, &op.width,
			    err, sizeof(err))) {
		/* Beyond 4096 bytes is wrong on any device: a usage error. */
		if (sp.cap) {
			fprintf(stderr, "udrvctl cfg: %s: %s\n",
				ctl_fmt_bdf(slot, bdf), err);
			ret = 1;
		} else {
			ret = ctl_usage_error("cfg: %s", err);
		}
		goto out;
	}
	if (op.write && (ret = value_fits("cfg", op.value, op.width)))
		goto out;
	ret = op.write ? cfg_write(slot, &op) : cfg_read(slot, &op);
out:
	WDC_DriverClose();
	return ret;
}

/* Parses BDF BAR OFF; 0 or the exit status. */
static int parse_target(const char *cmd, char **argv, WD_PCI_SLOT *slot,
			uint32_t *bar, uint64_t *off)
{
	int ret = ctl_get_slot(cmd, argv[0], slot);

	if (ret)
		return ret;
	if (ctl_parse_u32(argv[1], bar))
		return bad_number(cmd, "BAR", argv[1]);
	if (ctl_parse_hex64(argv[2], off))
		return bad_number(cmd, "offset", argv[2]);
	return 0;
}

static uint32_t read_reg(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			 uint32_t width, uint64_t *v)
{
	uint8_t b;
	uint16_t w;
	uint32_t d, st;

	switch (width) {
	case 1: st = WDC_ReadAddr8(dev, bar, off, &b); *v = b; return st;
	case 2: st = WDC_ReadAddr16(dev, bar, off, &w); *v = w; return st;
	case 4: st = WDC_ReadAddr32(dev, bar, off, &d); *v = d; return st;
	default: return WDC_ReadAddr64(dev, bar, off, v);
	}
}

static uint32_t write_reg(WDC_DEVICE_HANDLE dev, uint32_t bar, uint64_t off,
			  uint32_t width, uint64_t v)
{
	switch (width) {
	case 1: return WDC_WriteAddr8(dev, bar, off, (uint8_t)v);
	case 2: return WDC_WriteAddr16(dev, bar, off, (uint16_t)v);
	case 4: return WDC_WriteAddr32(dev, bar, off, (uint32_t)v);
	default: return WDC_WriteAddr64(dev, bar, off, v);
	}
}

/* Opens the library and the device, runs fn, closes both. */
static int with_device(const char *cmd, WD_PCI_SLOT slot,
		       int (*fn)(WDC_DEVICE_HANDLE, void *), void *arg)
{
	WDC_DEVICE_HANDLE dev;
	int ret = ctl_open_lib(cmd);

	if (ret)
		return ret;
	ret = ctl_open_device(cmd, slot, &dev);
	if (!ret) {
		ret = fn(dev, arg);
		WDC_PciDeviceClose(dev);
	}
	WDC_DriverClose();
	return ret;
}

struct reg_op {
	WD_PCI_SLOT slot;
	bool json;
	uint32_t bar, width;
	uint64_t off, value;
	uint64_t len;		/* dump */
};

static int do_read(WDC_DEVICE_HANDLE dev, void *arg)
{
	struct reg_op *op = arg;
	uint64_t v = 0;

	char bdf[CTL_BDF_LEN];
	struct ctl_json j;

	if (read_reg(dev, op->bar, op->off, op->width, &v))
		return ctl_lib_error("read");
	if (!op->json) {
		printf("0x%0*llx\n", (int)(2 * op->width),
		       (unsigned long long)v);
		return 0;
	}
	cj_init(&j, stdout);
	cj_obj(&j, NULL);
	cj_str(&j, "bdf", ctl_fmt_bdf(op->slot, bdf));
	cj_u64(&j, "bar", op->bar);
	cj_u64(&j, "offset", op->off);
	cj_u64(&j, "width", op->width);
	cj_hex(&j, "value", v, (int)(2 * op->width));
	cj_end(&j, '}');
	return 0;
}

static int do_write(WDC_DEVICE_HANDLE dev, void *arg)
{
	struct reg_op *op = arg;

	if (write_reg(dev, op->bar, op->off, op->width, op->value))
		return ctl_lib_error("write");
	return 0;
}

int cmd_read(int argc, char **argv)
{
	struct reg_op op = { .width = 4 };
	WD_PCI_SLOT slot;
	int ret;

	op.json = ctl_take_flag(&argc, argv, "--json", NULL);
	if (argc < 3 || argc > 4)
		return ctl_usage_error(argc < 3 ? "read: missing arguments: expected BDF BAR OFF [WIDTH]" :
					      "read: too many arguments: expected BDF BAR OFF [WIDTH]");
	ret = parse_target("read", argv, &slot, &op.bar, &op.off);
	op.slot = slot;
	if (ret)
		return ret;
	if (argc > 3 && ctl_parse_width(argv[3], 8, &op.width))
		return bad_width("read", argv[3], 8);
	return with_device("read", slot, do_read, &op);
}

int cmd_write(int argc, char **argv)
{
	struct reg_op op = { .width = 4 };
	WD_PCI_SLOT slot;
	int ret;

	if (argc < 4 || argc > 5)
		return ctl_usage_error(argc < 4 ? "write: missing arguments: expected BDF BAR OFF VALUE [WIDTH]" :
					      "write: too many arguments: expected BDF BAR OFF VALUE [WIDTH]");
	ret = parse_target("write", argv, &slot, &op.bar, &op.off);
	if (ret)
		return ret;
	if (ctl_parse_hex64(argv[3], &op.value))
		return bad_number("write", "value", argv[3]);
	if (argc > 4 && ctl_parse_width(argv[4], 8, &op.width))
		return bad_width("write", argv[4], 8);
	ret = value_fits("write", op.value, op.width);
	if (ret)
		return ret;
	return with_device("write", slot, do_write, &op);
}

static int do_dump(WDC_DEVICE_HANDLE dev, void *arg)
{
	struct reg_op *op = arg;
	uint64_t size;
	uint8_t *buf;
	int ret = 0;

	if (WDC_GetAddrSpaceSize(dev, op->bar, &size))
		return ctl_lib_error("dump");
	/* Checked before allocating LEN bytes. */
	if (op->off >= size || op->len > size - op->off) {
		fprintf(stderr, "udrvctl dump: offset 0x%llx + %llu is beyond BAR%u (%llu bytes)\n",
			(unsigned long long)op->off,
			(unsigned long long)op->len, op->bar,
			(unsigned long long)size);
		return 1;
	}
	buf = malloc((size_t)op->len);
	if (!buf) {
		fprintf(stderr, "udrvctl dump: out of memory\n");
		return 1;
	}
	if (WDC_ReadAddrBlock(dev, op->bar, op->off, (size_t)op->len, buf,
			      op->width, 0))
		ret = ctl_lib_error("dump");
	else
		ctl_dump_bar(stdout, op->off, buf, (size_t)op->len, op->width);
	free(buf);
	return ret;
}

int cmd_dump(int argc, char **argv)
{
	struct reg_op op = { .width = 4 };
	WD_PCI_SLOT slot;
	int ret;

	if (argc != 4)
		return ctl_usage_error(argc < 4 ? "dump: missing arguments: expected BDF BAR OFF LEN" :
					      "dump: too many arguments: expected BDF BAR OFF LEN");
	ret = parse_target("dump", argv, &slot, &op.bar, &op.off);
	if (ret)
		return ret;
	if (ctl_parse_hex64(argv[3], &op.len) || !op.len)
		return ctl_usage_error("dump: length '%s' must be a number > 0",
				       argv[3]);
	/* Registers are usually 32-bit: dwords when aligned, else bytes. */
	if ((op.off | op.len) & 3)
		op.width = 1;
	return with_device("dump", slot, do_dump, &op);
}
