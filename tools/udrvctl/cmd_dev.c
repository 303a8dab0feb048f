// SPDX-License-Identifier: MIT
/*
 * cmd_dev.c - udrvctl list, info, bind, unbind: what is there and who
 * drives it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "caps.h"
#include "cmds.h"
#include "json.h"
#include "parse.h"
#include "sysfs.h"

static void print_bar(const WD_ITEM *it, bool bound, const char *indent)
{
	char size[32];

	ctl_fmt_size(it->length, size, sizeof(size));
	printf("%sBAR%u: %s at 0x%llx, %s", indent, it->bar,
	       it->type == WD_ITEM_IO ? "I/O ports" : "memory",
	       (unsigned long long)it->phys_addr, size);
	if (it->type == WD_ITEM_MEM)
		printf(", %s, %s", it->flags & WD_ITEM_64BIT ? "64-bit" :
							       "32-bit",
		       it->flags & WD_ITEM_PREFETCHABLE ? "prefetchable" :
							  "non-prefetchable");
	/* Whether udrv may map a BAR is known only once it owns the device */
	if (it->type == WD_ITEM_MEM && bound)
		printf(", %s", it->flags & WD_ITEM_MAPPABLE ?
			       "mappable" : "not mappable (transfers only)");
	putchar('\n');
}

static void print_irq_caps(const WD_PCI_CARD_INFO *info, const char *indent)
{
	uint32_t i;

	for (i = 0; i < info->num_items; i++)
		if (info->item[i].type == WD_ITEM_INTERRUPT)
			printf("%sIRQ: %u\n", indent, info->item[i].irq);
	printf("%sinterrupts: INTx %s, MSI ", indent,
	       info->caps & WD_CAP_INTX ? "yes" : "no");
	if (info->caps & WD_CAP_MSI)
		printf("%u vector%s", info->msi_vectors,
		       info->msi_vectors == 1 ? "" : "s");
	else
		printf("no");
	printf(", MSI-X ");
	if (info->caps & WD_CAP_MSIX)
		printf("%u vector%s\n", info->msix_vectors,
		       info->msix_vectors == 1 ? "" : "s");
	else
		printf("no\n");
}

static void print_items(const WD_PCI_CARD_INFO *info, const char *indent)
{
	uint32_t i;

	for (i = 0; i < info->num_items; i++)
		if (info->item[i].type != WD_ITEM_INTERRUPT)
			print_bar(&info->item[i], info->bound, indent);
	print_irq_caps(info, indent);
}

/* The members list and info share; cfg NULL: no capabilities. */
void ctl_json_device(struct ctl_json *j, const WD_PCI_CARD_INFO *info,
		     const char *driver, const uint8_t *cfg, size_t len)
{
	char bdf[CTL_BDF_LEN], hex[8];
	const WD_ITEM *it;
	bool irq = false;
	uint32_t i;

	cj_obj(j, NULL);
	cj_str(j, "bdf", ctl_fmt_bdf(info->slot, bdf));
	snprintf(hex, sizeof(hex), "%04x", info->id.vendor);
	cj_str(j, "vendor", hex);
	snprintf(hex, sizeof(hex), "%04x", info->id.device);
	cj_str(j, "device", hex);
	snprintf(hex, sizeof(hex), "%06x", info->class_code & 0xffffff);
	cj_str(j, "class", hex);
	cj_str(j, "class_name", ctl_class_name(info->class_code));
	snprintf(hex, sizeof(hex), "%02x", info->revision);
	cj_str(j, "revision", hex);
	snprintf(hex, sizeof(hex), "%04x", info->subsys_vendor);
	cj_str(j, "subsystem_vendor", hex);
	snprintf(hex, sizeof(hex), "%04x", info->subsys_device);
	cj_str(j, "subsystem_device", hex);
	cj_bool(j, "bound", info->bound);
	if (driver[0])
		cj_str(j, "driver", driver);
	else
		cj_null(j, "driver");
	cj_u64(j, "config_size", info->cfg_size);
	cj_bool(j, "pcie", info->caps & WD_CAP_PCIE);
	cj_arr(j, "bars");
	for (i = 0; i < info->num_items; i++) {
		it = &info->item[i];
		if (it->type == WD_ITEM_INTERRUPT)
			continue;
		cj_obj(j, NULL);
		cj_u64(j, "bar", it->bar);
		cj_str(j, "type", it->type == WD_ITEM_IO ? "io" : "memory");
		cj_hex(j, "address", it->phys_addr, 1);
		cj_u64(j, "size", it->length);
		if (it->type == WD_ITEM_MEM) {
			cj_bool(j, "addr64", it->flags & WD_ITEM_64BIT);
			cj_bool(j, "prefetchable",
				it->flags & WD_ITEM_PREFETCHABLE);
			if (info->bound)
				cj_bool(j, "mappable",
					it->flags & WD_ITEM_MAPPABLE);
		}
		cj_end(j, '}');
	}
	cj_end(j, ']');
	for (i = 0; i < info->num_items; i++) {
		if (info->item[i].type == WD_ITEM_INTERRUPT && !irq) {
			cj_u64(j, "irq", info->item[i].irq);
			irq = true;
		}
	}
	if (!irq)
		cj_null(j, "irq");
	cj_bool(j, "intx", info->caps & WD_CAP_INTX);
	cj_u64(j, "msi_vectors", info->caps & WD_CAP_MSI ?
	       info->msi_vectors : 0);
	cj_u64(j, "msix_vectors", info->caps & WD_CAP_MSIX ?
	       info->msix_vectors : 0);
	if (cfg)
		ctl_caps_json(j, cfg, len);
	cj_end(j, '}');
}

struct list_opts {
	bool verbose, numeric, json;
	struct ctl_filter filter;
};

static int list_parse(int argc, char **argv, struct list_opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	ctl_filter_init(&o->filter);
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-v")) {
			o->verbose = true;
		} else if (!strcmp(argv[i], "-nn") || !strcmp(argv[i], "-n")) {
			o->numeric = true;
		} else if (!strcmp(argv[i], "--json")) {
			o->json = true;
		} else if (!strcmp(argv[i], "-s") || !strcmp(argv[i], "-d")) {
			if (i + 1 == argc)
				return ctl_usage_error("list: %s needs a value",
						       argv[i]);
			if (argv[i][1] == 's' &&
			    ctl_parse_slot_filter(argv[i + 1], &o->filter))
				return ctl_usage_error("list: -s '%s' is not [[DOMAIN:]BUS:][DEV][.FN] (hex, empty or * for any)",
						       argv[i + 1]);
			if (argv[i][1] == 'd' &&
			    ctl_parse_id_filter(argv[i + 1], &o->filter))
				return ctl_usage_error("list: -d '%s' is not [VENDOR]:[DEVICE] (hex, empty or * for any)",
						       argv[i + 1]);
			i++;
		} else {
			return ctl_usage_error("list: unexpected argument '%s'",
					       argv[i]);
		}
	}
	return 0;
}

static void list_line(const struct list_opts *o, WD_PCI_SLOT slot,
		      WD_PCI_ID id, const WD_PCI_CARD_INFO *info, bool ok,
		      const char *drv)
{
	char bdf[CTL_BDF_LEN];

	ctl_fmt_bdf(slot, bdf);
	if (o->numeric && ok) {
		printf("%s %s [%04x]: [%04x:%04x]", bdf,
		       ctl_class_name(info->class_code),
		       (info->class_code >> 8) & 0xffff, id.vendor,
		       id.device);
		if (info->revision)
			printf(" (rev %02x)", info->revision);
		if (drv[0])
			printf(", driver %s%s\n", drv,
			       info->bound ? " (bound)" : "");
		else
			printf(", no driver\n");
	} else {
		printf("%s %04x:%04x %-5s %s\n", bdf, id.vendor, id.device,
		       !ok ? "?" : info->bound ? "bound" : "-",
		       drv[0] ? drv : "-");
	}
	if (o->verbose && ok) {
		printf("\tclass %06x (%s), revision %02x, subsystem %04x:%04x%s\n",
		       info->class_code, ctl_class_name(info->class_code),
		       info->revision, info->subsys_vendor,
		       info->subsys_device,
		       info->caps & WD_CAP_PCIE ? ", PCI Express" : "");
		printf("\tdriver: %s\n", drv[0] ? drv : "none");
		print_items(info, "\t");
	}
}

int cmd_list(int argc, char **argv)
{
	WDC_PCI_SCAN_RESULT *res;
	struct list_opts o;
	struct ctl_json j;
	uint32_t i;
	int ret;

	ret = list_parse(argc, argv, &o);
	if (ret)
		return ret;
	ret = ctl_open_lib("list");
	if (ret)
		return ret;
	res = malloc(sizeof(*res));
	if (!res) {
		fprintf(stderr, "udrvctl list: out of memory\n");
		ret = 1;
		goto out;
	}
	if (WDC_PciScanDevices(0, 0, res)) {
		ret = ctl_lib_error("list");
		goto out;
	}
	cj_init(&j, stdout);
	if (o.json)
		cj_arr(&j, NULL);
	for (i = 0; i < res->count; i++) {
		WD_PCI_CARD_INFO info;
		char bdf[CTL_BDF_LEN], drv[NAME_MAX + 1];
		bool ok;

		if (!ctl_filter_match(&o.filter, res->slot[i], res->id[i]))
			continue;
		memset(&info, 0, sizeof(info));
		info.slot = res->slot[i];
		ok = !WDC_PciGetDeviceInfo(&info);
		ctl_driver_of(ctl_fmt_bdf(res->slot[i], bdf), drv,
			      sizeof(drv));
		if (o.json && ok)
			ctl_json_device(&j, &info, drv, NULL, 0);
		else if (!o.json)
			list_line(&o, res->slot[i], res->id[i], &info, ok, drv);
	}
	if (o.json)
		cj_end(&j, ']');
out:
	free(res);
	WDC_DriverClose();
	return ret;
}

int cmd_info(int argc, char **argv)
{
	WD_PCI_CARD_INFO info;
	char bdf[CTL_BDF_LEN], drv[NAME_MAX + 1];
	uint8_t cfg[UDRV_CFG_EXTENDED];
	struct ctl_json j;
	size_t len = 0;
	bool json = ctl_take_flag(&argc, argv, "--json", NULL);
	int ret;

	if (!argc)
		return ctl_usage_error("info: which device? (info BDF)");
	if (argc > 1)
		return ctl_usage_error("info: unexpected argument '%s'",
				       argv[1]);
	memset(&info, 0, sizeof(info));
	ret = ctl_get_slot("info", argv[0], &info.slot);
	if (ret || (ret = ctl_open_lib("info")))
		return ret;
	if (WDC_PciGetDeviceInfo(&info)) {
		ret = ctl_lib_error("info");
		goto out;
	}
	ctl_fmt_bdf(info.slot, bdf);
	ctl_driver_of(bdf, drv, sizeof(drv));
	/* The capabilities are a bonus: a failed read leaves them out. */
	if (ctl_read_cfg(info.slot, info.cfg_size, cfg, &len, false))
		len = 0;
	if (json) {
		cj_init(&j, stdout);
		ctl_json_device(&j, &info, drv, cfg, len);
		goto out;
	}
	printf("%s: %04x:%04x, subsystem %04x:%04x, class %06x (%s), revision %02x\n",
	       bdf, info.id.vendor, info.id.device,
	       info.subsys_vendor, info.subsys_device, info.class_code,
	       ctl_class_name(info.class_code), info.revision);
	printf("  driver: %s\n", drv[0] ? drv : "none");
	printf("  bound to udrv: %s\n", info.bound ?
	       "yes" : "no (udrvctl bind to use it)");
	printf("  config space: %u bytes%s\n", info.cfg_size,
	       info.caps & WD_CAP_PCIE ? ", PCI Express" : "");
	print_items(&info, "  ");
	if (len <= UDRV_CFG_UNPRIV) {
		printf("  capabilities: unknown (reading them needs root)\n");
	} else {
		printf("  capabilities:\n");
		if (!ctl_caps_text(stdout, cfg, len, "    "))
			printf("    none\n");
	}
out:
	WDC_DriverClose();
	return ret;
}

static int bind_cmd(const char *name, int argc, char **argv,
		    int (*fn)(const char *, FILE *, FILE *))
{
	WD_PCI_SLOT slot;
	char bdf[CTL_BDF_LEN];
	int ret;

	if (!argc)
		return ctl_usage_error("%s: which device? (%s BDF)", name,
				       name);
	if (argc > 1)
		return ctl_usage_error("%s: unexpected argument '%s'", name,
				       argv[1]);
	ret = ctl_get_slot(name, argv[0], &slot);
	if (ret)
		return ret;
	return fn(ctl_fmt_bdf(slot, bdf), stdout, stderr);
}

int cmd_bind(int argc, char **argv)
{
	return bind_cmd("bind", argc, argv, ctl_bind);
}

int cmd_unbind(int argc, char **argv)
{
	return bind_cmd("unbind", argc, argv, ctl_unbind);
}
