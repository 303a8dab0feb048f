// SPDX-License-Identifier: GPL-2.0
/*
 * autobind.c: the `autobind` module parameter, a list of vendor:device IDs
 * that udrv binds when they appear (udrvctl autobind; docs/events.md).
 *
 * A hot-added device is probed by the first driver that matches it, at
 * once, before any udev rule could run: so the agent watches the PCI bus
 * and sets driver_override to "udrv" when a listed device is added, which
 * the bus notifier does before the device is probed.  That is the kernel's
 * own mechanism (what `udrvctl bind` writes from user space), so no other
 * driver can take the device first.  Devices already present and without
 * a driver are bound when the list is set; a device some other driver
 * holds is left to it.  The parameter is root's only (0644).
 */
#include <linux/ctype.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include "compat.h"
#include "udrv.h"

#define UDRV_AUTOBIND_MAX	32

static DEFINE_MUTEX(udrv_autobind_lock);
static u32 udrv_autobind_ids[UDRV_AUTOBIND_MAX];	/* vendor << 16 | device */
static unsigned int udrv_autobind_num;
static bool udrv_autobind_live;	/* the driver is registered */

static bool udrv_autobind_match(struct pci_dev *pdev)
{
	u32 id = (u32)pdev->vendor << 16 | pdev->device;
	bool found = false;
	unsigned int i;

	mutex_lock(&udrv_autobind_lock);
	for (i = 0; i < udrv_autobind_num && !found; i++)
		found = udrv_autobind_ids[i] == id;
	mutex_unlock(&udrv_autobind_lock);
	return found;
}

/* Whoever set an override first (udrvctl, vfio, a udev rule) wins. */
static bool udrv_autobind_claim(struct pci_dev *pdev)
{
	if (udrv_has_driver_override(pdev) || !udrv_autobind_match(pdev))
		return false;
	if (udrv_set_driver_override(pdev, UDRV_DEVICE_NAME))
		return false;
	pci_info(pdev, "udrv: autobind %04x:%04x\n", pdev->vendor,
		 pdev->device);
	return true;
}

static int udrv_autobind_notify(struct notifier_block *nb,
				unsigned long action, void *data)
{
	if (action == BUS_NOTIFY_ADD_DEVICE)
		udrv_autobind_claim(to_pci_dev(data));
	return NOTIFY_DONE;
}

static struct notifier_block udrv_autobind_nb = {
	.notifier_call = udrv_autobind_notify,
};

static void udrv_autobind_present(void)
{
	struct pci_dev *pdev = NULL;

	for_each_pci_dev(pdev) {
		if (READ_ONCE(pdev->dev.driver) || !udrv_autobind_claim(pdev))
			continue;
		if (device_attach(&pdev->dev) < 0)
			pci_warn(pdev, "udrv: autobind: cannot bind\n");
	}
}

/* Exactly "vvvv:dddd", hex */
static bool udrv_autobind_parse(const char *s, u32 *id)
{
	int i;

	for (i = 0; i < 9; i++)
		if (i == 4 ? s[i] != ':' : !isxdigit(s[i]))
			return false;
	if (s[9])
		return false;
	*id = (u32)hex_to_bin(s[0]) << 28 | (u32)hex_to_bin(s[1]) << 24 |
	      hex_to_bin(s[2]) << 20 | hex_to_bin(s[3]) << 16 |
	      hex_to_bin(s[5]) << 12 | hex_to_bin(s[6]) << 8 |
	      hex_to_bin(s[7]) << 4 | hex_to_bin(s[8]);
	return true;
}

/* "1234:11e8,8086:10d3" (hex); an empty string clears the list. */
static int udrv_autobind_set(const char *val, const struct kernel_param *kp)
{
	u32 ids[UDRV_AUTOBIND_MAX];
	unsigned int n = 0;
	char buf[16];
	const char *p = val;
	size_t len;
	bool live;

	while (*p && *p != '\n') {
		len = strcspn(p, ",\n");
		if (n == UDRV_AUTOBIND_MAX || !len || len >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, p, len);
		buf[len] = 0;
		if (!udrv_autobind_parse(buf, &ids[n++]))
			return -EINVAL;
		p += len;
		if (*p == ',')
			p++;
	}
	mutex_lock(&udrv_autobind_lock);
	memcpy(udrv_autobind_ids, ids, n * sizeof(ids[0]));
	udrv_autobind_num = n;
	live = udrv_autobind_live;
	mutex_unlock(&udrv_autobind_lock);
	if (live)
		udrv_autobind_present();
	return 0;
}

static int udrv_autobind_get(char *buf, const struct kernel_param *kp)
{
	unsigned int i;
	int len = 0;

	mutex_lock(&udrv_autobind_lock);
	for (i = 0; i < udrv_autobind_num; i++)
		len += sysfs_emit_at(buf, len, "%s%04x:%04x", i ? "," : "",
				     udrv_autobind_ids[i] >> 16,
				     udrv_autobind_ids[i] & 0xffff);
	mutex_unlock(&udrv_autobind_lock);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static const struct kernel_param_ops udrv_autobind_ops = {
	.set = udrv_autobind_set,
	.get = udrv_autobind_get,
};
module_param_cb(autobind, &udrv_autobind_ops, NULL, 0644);
MODULE_PARM_DESC(autobind,
		 "vendor:device[,...] in hex: bind these to udrv when they appear");

/* After the driver is registered: device_attach must find it. */
int udrv_autobind_init(void)
{
	int ret = bus_register_notifier(&pci_bus_type, &udrv_autobind_nb);

	if (ret)
		return ret;
	mutex_lock(&udrv_autobind_lock);
	udrv_autobind_live = true;
	mutex_unlock(&udrv_autobind_lock);
	udrv_autobind_present();
	return 0;
}

void udrv_autobind_exit(void)
{
	mutex_lock(&udrv_autobind_lock);
	udrv_autobind_live = false;
	mutex_unlock(&udrv_autobind_lock);
	bus_unregister_notifier(&pci_bus_type, &udrv_autobind_nb);
}
