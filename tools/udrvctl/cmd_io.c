// SPDX-License-Identifier: MIT
/*
 * cmd_io.c - udrvctl cfg, read, write, dump: config space and registers.
 */
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "parse.h"

static int bad_number(const char *cmd, const char *what, const char *arg)
{
	return ctl_usage_error("%s: %s '%s' is not a number (decimal or 0x-hex)",
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

static int cfg_dump(WD_PCI_SLOT slot)
{
	WD_PCI_CARD_INFO info;
	uint8_t buf[UDRV_CFG_EXTENDED];
	uint32_t size, st;

	memset(&info, 0, sizeof(info));
	info.slot = slot;
	if (WDC_PciGetDeviceInfo(&info))
		return ctl_lib_error("cfg");
	size = info.cfg_size ? info.cfg_size : UDRV_CFG_LEGACY;
	if (size > sizeof(buf))
		size = sizeof(buf);
	st = WDC_PciReadCfgBySlot(slot, 0, buf, size);
	if (st == WD_ACCESS_DENIED) {
		/* As with lspci: without privileges only the header is shown. */
		size = UDRV_CFG_UNPRIV;
		st = WDC_PciReadCfgBySlot(slot, 0, buf, size);
		if (!st)
			fprintf(stderr, "udrvctl cfg: showing the first %u bytes only: the rest needs root or a registration of the device\n",
				size);
	}
	if (st)
		return ctl_lib_error("cfg");
	ctl_dump_cfg(stdout, buf, size);
	return 0;
}

static int cfg_read(WD_PCI_SLOT slot, uint32_t off, uint32_t width)
{
	uint8_t b[4] = { 0 };
	uint32_t v;

	if (WDC_PciReadCfgBySlot(slot, off, b, width))
		return ctl_lib_error("cfg");
	v = b[0] | b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
	printf("0x%0*x\n", (int)(2 * width), v);
	return 0;
}

static int cfg_write(WD_PCI_SLOT slot, uint32_t off, uint32_t width,
		     uint32_t v)
{
	WDC_DEVICE_HANDLE dev;
	uint32_t st;
	int ret;

	/* The agent takes config writes only from a registration. */
	ret = ctl_open_device("cfg", slot, &dev);
	if (ret)
		return ret;
	st = width == 1 ? WDC_PciWriteCfg8(dev, off, (uint8_t)v) :
	     width == 2 ? WDC_PciWriteCfg16(dev, off, (uint16_t)v) :
			  WDC_PciWriteCfg32(dev, off, v);
	ret = st ? ctl_lib_error("cfg") : 0;
	WDC_PciDeviceClose(dev);
	return ret;
}

int cmd_cfg(int argc, char **argv)
{
	uint32_t off = 0, width = 4;
	uint64_t v = 0;
	WD_PCI_SLOT slot;
	int ret;

	if (argc < 1 || argc > 4)
		return ctl_usage_error("cfg: expected BDF [OFF [WIDTH [VALUE]]]");
	ret = ctl_get_slot("cfg", argv[0], &slot);
	if (ret)
		return ret;
	if (argc > 1 && ctl_parse_u32(argv[1], &off))
		return bad_number("cfg", "offset", argv[1]);
	if (argc > 2 && ctl_parse_width(argv[2], 4, &width))
		return bad_width("cfg", argv[2], 4);
	if (argc > 3 && ctl_parse_u64(argv[3], &v))
		return bad_number("cfg", "value", argv[3]);
	if (argc > 3 && (ret = value_fits("cfg", v, width)))
		return ret;
	ret = ctl_open_lib("cfg");
	if (ret)
		return ret;
	if (argc == 1)
		ret = cfg_dump(slot);
	else if (argc < 4)
		ret = cfg_read(slot, off, width);
	else
		ret = cfg_write(slot, off, width, (uint32_t)v);
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
	if (ctl_parse_u64(argv[2], off))
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
	uint32_t bar, width;
	uint64_t off, value;
	uint64_t len;		/* dump */
};

static int do_read(WDC_DEVICE_HANDLE dev, void *arg)
{
	struct reg_op *op = arg;
	uint64_t v = 0;

	if (read_reg(dev, op->bar, op->off, op->width, &v))
		return ctl_lib_error("read");
	printf("0x%0*llx\n", (int)(2 * op->width), (unsigned long long)v);
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

	if (argc < 3 || argc > 4)
		return ctl_usage_error("read: expected BDF BAR OFF [WIDTH]");
	ret = parse_target("read", argv, &slot, &op.bar, &op.off);
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
		return ctl_usage_error("write: expected BDF BAR OFF VALUE [WIDTH]");
	ret = parse_target("write", argv, &slot, &op.bar, &op.off);
	if (ret)
		return ret;
	if (ctl_parse_u64(argv[3], &op.value))
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
		return ctl_usage_error("dump: expected BDF BAR OFF LEN");
	ret = parse_target("dump", argv, &slot, &op.bar, &op.off);
	if (ret)
		return ret;
	if (ctl_parse_u64(argv[3], &op.len) || !op.len)
		return ctl_usage_error("dump: length '%s' must be a number > 0",
				       argv[3]);
	/* Registers are usually 32-bit: dwords when aligned, else bytes. */
	if ((op.off | op.len) & 3)
		op.width = 1;
	return with_device("dump", slot, do_dump, &op);
}
