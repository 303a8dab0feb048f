// SPDX-License-Identifier: MIT
/*
 * cmd_dev.c - udrvctl list, info, bind, unbind: what is there and who
 * drives it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
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

int cmd_list(int argc, char **argv)
{
	WDC_PCI_SCAN_RESULT *res;
	bool verbose = false;
	uint32_t i;
	int ret;

	if (argc == 1 && !strcmp(argv[0], "-v"))
		verbose = true;
	else if (argc)
		return ctl_usage_error("list: unexpected argument '%s'",
				       argv[0]);
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
	for (i = 0; i < res->count; i++) {
		WD_PCI_CARD_INFO info;
		char bdf[CTL_BDF_LEN];
		bool ok;

		memset(&info, 0, sizeof(info));
		info.slot = res->slot[i];
		ok = !WDC_PciGetDeviceInfo(&info);
		printf("%s %04x:%04x %s\n", ctl_fmt_bdf(res->slot[i], bdf),
		       res->id[i].vendor, res->id[i].device,
		       !ok ? "?" : info.bound ? "bound" : "-");
		if (verbose && ok) {
			printf("\tclass %06x, revision %02x, subsystem %04x:%04x%s\n",
			       info.class_code, info.revision,
			       info.subsys_vendor, info.subsys_device,
			       info.caps & WD_CAP_PCIE ? ", PCI Express" : "");
			print_items(&info, "\t");
		}
	}
out:
	free(res);
	WDC_DriverClose();
	return ret;
}

int cmd_info(int argc, char **argv)
{
	WD_PCI_CARD_INFO info;
	char bdf[CTL_BDF_LEN];
	int ret;

	if (argc != 1)
		return ctl_usage_error("info: expected BDF");
	memset(&info, 0, sizeof(info));
	ret = ctl_get_slot("info", argv[0], &info.slot);
	if (ret || (ret = ctl_open_lib("info")))
		return ret;
	if (WDC_PciGetDeviceInfo(&info)) {
		ret = ctl_lib_error("info");
		goto out;
	}
	printf("%s: %04x:%04x, subsystem %04x:%04x, class %06x, revision %02x\n",
	       ctl_fmt_bdf(info.slot, bdf), info.id.vendor, info.id.device,
	       info.subsys_vendor, info.subsys_device, info.class_code,
	       info.revision);
	printf("  bound to udrv: %s\n", info.bound ?
	       "yes" : "no (udrvctl bind to use it)");
	printf("  config space: %u bytes%s\n", info.cfg_size,
	       info.caps & WD_CAP_PCIE ? ", PCI Express" : "");
	print_items(&info, "  ");
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

	if (argc != 1)
		return ctl_usage_error("%s: expected BDF", name);
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
