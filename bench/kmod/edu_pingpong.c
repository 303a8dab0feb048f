// SPDX-License-Identifier: GPL-2.0
/*
 * edu_pingpong - the bare in-kernel interrupt round trip on QEMU's edu
 * device: the limit that user-mode interrupt paths are measured against.
 *
 * The driver has no ID table: it binds only to a device whose
 * driver_override names it.  On probe it enables MSI and bus mastering
 * (MSI messages are DMA writes) and writes edu's interrupt-raise register;
 * the handler acknowledges the interrupt and raises the next one, until
 * round_trips interrupts have been handled.  After a warm-up, this is done
 * in ROUNDS timed rounds; the median rate (interrupts per second, by
 * ktime) is logged and shown in the device's sysfs attribute
 * pingpong_rate (pingpong_round_trips, pingpong_elapsed_ns: the median
 * round).  Nothing else runs while the rounds do: probe waits for them.
 */
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>

#define DRV_NAME "edu_pingpong"
#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64
#define PINGPONG_BIT 0x1
#define ROUNDS 5

static unsigned int round_trips = 50000;
module_param(round_trips, uint, 0444);
MODULE_PARM_DESC(round_trips, "interrupt round trips per timed round (default 50000)");

static unsigned int timeout_ms = 10000;
module_param(timeout_ms, uint, 0444);
MODULE_PARM_DESC(timeout_ms, "give up a round after this many ms (default 10000)");

struct pingpong {
	void __iomem *regs;
	int irq;
	unsigned int target;	/* interrupts to handle in this round */
	unsigned int count;	/* handled so far */
	bool stop;		/* set on timeout: do not raise again */
	ktime_t end;
	struct completion done;
	/* results of the median round */
	u64 rate;
	u64 elapsed_ns;
	unsigned int done_trips;
};

static irqreturn_t pingpong_irq(int irq, void *data)
{
	struct pingpong *pp = data;

	iowrite32(PINGPONG_BIT, pp->regs + EDU_IRQ_ACK);
	if (++pp->count < pp->target && !READ_ONCE(pp->stop)) {
		iowrite32(PINGPONG_BIT, pp->regs + EDU_IRQ_RAISE);
	} else if (pp->count == pp->target) {
		pp->end = ktime_get();
		complete(&pp->done);
	}
	return IRQ_HANDLED;
}

/* One round of n round trips; its duration in ns, or a negative errno. */
static s64 pingpong_round(struct pingpong *pp, unsigned int n)
{
	ktime_t start;

	pp->target = n;
	pp->count = 0;
	reinit_completion(&pp->done);
	start = ktime_get();
	iowrite32(PINGPONG_BIT, pp->regs + EDU_IRQ_RAISE);
	if (!wait_for_completion_timeout(&pp->done,
					 msecs_to_jiffies(timeout_ms))) {
		WRITE_ONCE(pp->stop, true);
		synchronize_irq(pp->irq);
		return -ETIMEDOUT;
	}
	return ktime_to_ns(ktime_sub(pp->end, start));
}

static int pingpong_run(struct pci_dev *pdev, struct pingpong *pp)
{
	s64 ns[ROUNDS], t;
	unsigned int n = max(round_trips, 1U);
	int i, j;

	t = pingpong_round(pp, max(n / 10, 1U));	/* warm-up */
	for (i = 0; t >= 0 && i < ROUNDS; i++) {
		t = pingpong_round(pp, n);
		/* insertion sort: the median is ns[ROUNDS / 2] */
		for (j = i; t >= 0 && j > 0 && ns[j - 1] > t; j--)
			ns[j] = ns[j - 1];
		ns[j] = t;
	}
	if (t < 0) {
		pci_err(pdev, "no interrupt within %u ms (%u of %u handled, status %#x)\n",
			timeout_ms, pp->count, pp->target,
			ioread32(pp->regs + EDU_IRQ_STATUS));
		return (int)t;
	}
	pp->done_trips = n;
	pp->elapsed_ns = max_t(s64, ns[ROUNDS / 2], 1);
	pp->rate = div64_u64((u64)n * NSEC_PER_SEC, pp->elapsed_ns);
	pci_info(pdev, "RESULT kernel %llu (%u round trips in %llu ns, median of %d rounds, irq %d)\n",
		 pp->rate, n, pp->elapsed_ns, ROUNDS, pp->irq);
	return 0;
}

static ssize_t pingpong_rate_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct pingpong *pp = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", pp->rate);
}
static DEVICE_ATTR_RO(pingpong_rate);

static ssize_t pingpong_round_trips_show(struct device *dev,
					 struct device_attribute *attr,
					 char *buf)
{
	struct pingpong *pp = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", pp->done_trips);
}
static DEVICE_ATTR_RO(pingpong_round_trips);

static ssize_t pingpong_elapsed_ns_show(struct device *dev,
					struct device_attribute *attr,
					char *buf)
{
	struct pingpong *pp = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%llu\n", pp->elapsed_ns);
}
static DEVICE_ATTR_RO(pingpong_elapsed_ns);

static struct attribute *pingpong_attrs[] = {
	&dev_attr_pingpong_rate.attr,
	&dev_attr_pingpong_round_trips.attr,
	&dev_attr_pingpong_elapsed_ns.attr,
	NULL,
};
ATTRIBUTE_GROUPS(pingpong);

static int pingpong_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct pingpong *pp;
	int ret;

	/* No ID table: driver_override may point anything at us. */
	if (pdev->vendor != EDU_VENDOR || pdev->device != EDU_DEVICE) {
		pci_err(pdev, "not an edu device (%04x:%04x)\n",
			pdev->vendor, pdev->device);
		return -ENODEV;
	}
	pp = kzalloc(sizeof(*pp), GFP_KERNEL);
	if (!pp)
		return -ENOMEM;
	init_completion(&pp->done);
	pci_set_drvdata(pdev, pp);

	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto err_free;
	ret = pci_request_region(pdev, 0, DRV_NAME);
	if (ret)
		goto err_disable;
	pp->regs = pci_iomap(pdev, 0, 0);
	if (!pp->regs) {
		ret = -ENOMEM;
		goto err_release;
	}
	iowrite32(~0U, pp->regs + EDU_IRQ_ACK);	/* nothing pending */
	pci_set_master(pdev);
	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
	if (ret < 0)
		goto err_unmap;
	pp->irq = pci_irq_vector(pdev, 0);
	ret = request_irq(pp->irq, pingpong_irq, 0, DRV_NAME, pp);
	if (ret)
		goto err_vectors;

	ret = pingpong_run(pdev, pp);
	if (ret)
		goto err_irq;
	return 0;

err_irq:
	free_irq(pp->irq, pp);
err_vectors:
	pci_free_irq_vectors(pdev);
err_unmap:
	iowrite32(~0U, pp->regs + EDU_IRQ_ACK);
	pci_clear_master(pdev);
	pci_iounmap(pdev, pp->regs);
err_release:
	pci_release_region(pdev, 0);
err_disable:
	pci_disable_device(pdev);
err_free:
	kfree(pp);
	return ret;
}

static void pingpong_remove(struct pci_dev *pdev)
{
	struct pingpong *pp = pci_get_drvdata(pdev);

	free_irq(pp->irq, pp);
	pci_free_irq_vectors(pdev);
	iowrite32(~0U, pp->regs + EDU_IRQ_ACK);
	pci_clear_master(pdev);
	pci_iounmap(pdev, pp->regs);
	pci_release_region(pdev, 0);
	pci_disable_device(pdev);
	kfree(pp);
}

static struct pci_driver pingpong_driver = {
	.name = DRV_NAME,
	.probe = pingpong_probe,
	.remove = pingpong_remove,
	.dev_groups = pingpong_groups,
};
module_pci_driver(pingpong_driver);

MODULE_DESCRIPTION("edu interrupt round-trip benchmark (bare kernel reference)");
MODULE_AUTHOR("udrv project");
MODULE_LICENSE("GPL");
