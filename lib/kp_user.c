// SPDX-License-Identifier: MIT
/*
 * kp_user.c - a Kernel PlugIn run in user mode: the KP's .so loaded into
 * the application, called exactly as the agent calls the kernel build of
 * the same source.  funcOpen gets a device handle of the KP's own and a
 * copy of the open data; funcCall gets a copy of exactly `size` bytes of
 * the message (so AddressSanitizer sees a KP that writes past it), copied
 * back afterwards.  As in the kernel, calls on one handle may run on
 * several threads at once.
 *
 * Which KPs run here: WDC_KernelPlugInUseUserMode(name, path), or the
 * environment, UDRV_KP_USER="name=path[,name=path]", so that an unchanged
 * binary can switch.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include "kp_internal.h"

#define KP_USER_MAX 16

static struct {
	char name[UDRV_KP_NAME_LEN];
	char *path;
} chosen[KP_USER_MAX];
static pthread_mutex_t chosen_lock = PTHREAD_MUTEX_INITIALIZER;

uint32_t WDC_KernelPlugInUseUserMode(const char *name, const char *so_path)
{
	uint32_t st = WD_STATUS_SUCCESS;
	int i, slot = -1;

	if (!name || !so_path)
		return udrv_null_arg(__func__, name ? "so_path" : "name");
	if (!*name || strlen(name) >= UDRV_KP_NAME_LEN)
		return udrv_fail(WD_INVALID_PARAMETER,
				 "%s: a Kernel PlugIn name has 1 to %d characters",
				 __func__, UDRV_KP_NAME_LEN - 1);
	pthread_mutex_lock(&chosen_lock);
	for (i = 0; i < KP_USER_MAX; i++) {
		if (chosen[i].path && !strcmp(chosen[i].name, name)) {
			slot = i;
			break;
		}
		if (!chosen[i].path && slot < 0)
			slot = i;
	}
	if (slot < 0) {
		st = udrv_fail(WD_INSUFFICIENT_RESOURCES,
			       "%s: at most %d Kernel PlugIns in user mode",
			       __func__, KP_USER_MAX);
	} else {
		char *p = strdup(so_path);

		if (!p) {
			st = udrv_fail(WD_INSUFFICIENT_RESOURCES,
				       "%s: out of memory", __func__);
		} else {
			free(chosen[slot].path);
			chosen[slot].path = p;
			snprintf(chosen[slot].name, sizeof(chosen[slot].name),
				 "%s", name);
		}
	}
	pthread_mutex_unlock(&chosen_lock);
	return st;
}

/* "name=path[,name=path]": the path for `name`, in `buf`. */
static const char *from_env(const char *name, char *buf, size_t len)
{
	const char *env = getenv("UDRV_KP_USER"), *p, *end;
	size_t n = strlen(name);

	for (p = env; p && *p; p = end ? end + 1 : NULL) {
		end = strchr(p, ',');
		if (!strncmp(p, name, n) && p[n] == '=') {
			size_t plen = end ? (size_t)(end - p - n - 1) :
					    strlen(p + n + 1);

			if (!plen || plen >= len)
				return NULL;
			memcpy(buf, p + n + 1, plen);
			buf[plen] = 0;
			return buf;
		}
	}
	return NULL;
}

static _Thread_local char path_buf[4096];

const char *udrv_kp_user_path(const char *name)
{
	const char *path = NULL;
	int i;

	pthread_mutex_lock(&chosen_lock);
	for (i = 0; i < KP_USER_MAX; i++)
		if (chosen[i].path && !strcmp(chosen[i].name, name)) {
			snprintf(path_buf, sizeof(path_buf), "%s",
				 chosen[i].path);
			path = path_buf;
			break;
		}
	pthread_mutex_unlock(&chosen_lock);
	return path ? path : from_env(name, path_buf, sizeof(path_buf));
}

#ifdef UDRV_STATIC
uint32_t udrv_kp_user_open(WDC_DEVICE_HANDLE dev, const char *name,
			   const void *open_data, uint32_t size)
{
	(void)dev, (void)open_data, (void)size;
	return udrv_fail(WD_KERPLUG_FAILURE,
			 "WDC_KernelPlugInOpen: Kernel PlugIn '%s' is to run in user mode, but this program is statically linked and cannot load its .so (link it dynamically)",
			 name);
}
#else
/* The KP's own handle: the same BARs and card, none of the closing. */
static WDC_DEVICE_HANDLE kp_view(WDC_DEVICE_HANDLE dev)
{
	WDC_DEVICE_HANDLE v = calloc(1, sizeof(*v));
	int i;

	if (!v)
		return NULL;
	for (i = 0; i < UDRV_MAX_BARS; i++) {
		v->bar[i] = dev->bar[i];
		v->bar[i].map_len = 0;	/* dev unmaps */
	}
	v->hwd = dev->hwd;
	v->hcard = dev->hcard;
	v->fake = dev->fake;
	v->kp_view = true;
	memcpy(v->name, dev->name, sizeof(v->name));
	v->info = dev->info;
	return v;
}

static uint32_t kp_load_fail(const char *name, const char *path,
			     const char *why)
{
	return udrv_fail(WD_KERPLUG_FAILURE,
			 "WDC_KernelPlugInOpen: Kernel PlugIn '%s' in user mode, from %s: %s",
			 name, path, why);
}

uint32_t udrv_kp_user_open(WDC_DEVICE_HANDLE dev, const char *name,
			   const void *open_data, uint32_t size)
{
	const char *path = udrv_kp_user_path(name);
	const unsigned int *version;
	bool (*init_fn)(KP_INIT *);
	KP_INIT init;
	KP_OPEN_CALL ops;
	WDC_DEVICE_HANDLE v;
	void *so, *copy = NULL, *ctx = NULL;
	char why[320];
	bool ok;

	so = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!so)
		return kp_load_fail(name, path, dlerror());
	version = dlsym(so, "udrv_kp_version");
	init_fn = (bool (*)(KP_INIT *))dlsym(so, "KP_Init");
	memset(&init, 0, sizeof(init));
	if (!version || !init_fn) {
		snprintf(why, sizeof(why),
			 "not a udrv Kernel PlugIn (no %s)",
			 version ? "KP_Init" : "UDRV_KP_MODULE line");
	} else if (*version != KP_VERSION) {
		snprintf(why, sizeof(why),
			 "built for KP_VERSION %u, this library is %u",
			 *version, KP_VERSION);
	} else if (!init_fn(&init)) {
		snprintf(why, sizeof(why), "its KP_Init returned false");
	} else if (strncmp(init.name, name, sizeof(init.name))) {
		snprintf(why, sizeof(why), "its KP_INIT.name is '%.31s'",
			 init.name);
	} else if (!init.funcOpen) {
		snprintf(why, sizeof(why), "its KP_INIT has no funcOpen");
	} else {
		why[0] = 0;
	}
	if (why[0]) {
		dlclose(so);
		return kp_load_fail(name, path, why);
	}
	v = kp_view(dev);
	if (size)
		copy = malloc(size);
	if (!v || (size && !copy)) {
		free(v);
		free(copy);
		dlclose(so);
		return udrv_fail(WD_INSUFFICIENT_RESOURCES,
				 "WDC_KernelPlugInOpen: out of memory");
	}
	if (size)
		memcpy(copy, open_data, size);
	memset(&ops, 0, sizeof(ops));
	ok = init.funcOpen(&ops, v, copy, size, &ctx);
	free(copy);	/* as in the kernel: funcOpen keeps what it needs */
	if (!ok) {
		free(v);
		dlclose(so);
		return udrv_fail(WD_KERPLUG_FAILURE,
				 "WDC_KernelPlugInOpen: the funcOpen of Kernel PlugIn '%s' (user mode, %s) refused to open",
				 name, path);
	}
	v->ctx = ctx;
	dev->kp.open = true;
	dev->kp.user = true;
	dev->kp.handle = 1;
	snprintf(dev->kp.name, sizeof(dev->kp.name), "%s", name);
	dev->kp.so = so;
	dev->kp.ops = ops;
	dev->kp.drv_ctx = ctx;
	dev->kp.kp_dev = v;
	return WD_STATUS_SUCCESS;
}
#endif

uint32_t udrv_kp_user_call(WDC_DEVICE_HANDLE dev, WD_KERNEL_PLUGIN_CALL *call)
{
	WD_KERNEL_PLUGIN_CALL c = *call;

	if (!dev->kp.ops.funcCall)
		return udrv_fail(WD_KERPLUG_FAILURE,
				 "WDC_CallKerPlug: Kernel PlugIn '%s' has no funcCall",
				 dev->kp.name);
	c.data = NULL;
	if (call->size) {
		c.data = malloc(call->size);
		if (!c.data)
			return udrv_fail(WD_INSUFFICIENT_RESOURCES,
					 "WDC_CallKerPlug: out of memory");
		memcpy(c.data, call->data, call->size);
	}
	c.result = 0;
	dev->kp.ops.funcCall(dev->kp.drv_ctx, &c);
	/* Only the data's bytes and the result go back, as from the agent. */
	if (call->size)
		memcpy(call->data, c.data, call->size);
	call->result = c.result;
	free(c.data);
	return WD_STATUS_SUCCESS;
}

void udrv_kp_user_close(WDC_DEVICE_HANDLE dev)
{
	if (dev->kp.ops.funcClose)
		dev->kp.ops.funcClose(dev->kp.drv_ctx);
	udrv_dma_kp_release(dev->kp.kp_dev);
	free(dev->kp.kp_dev);
#ifndef UDRV_STATIC
	dlclose(dev->kp.so);
#endif
}

/* ---- interrupts ------------------------------------------------------- */

/* As the agent's storm guard: a level interrupt the KP never acknowledges */
#define KP_USER_UNACKED_MAX	10000
#define PCI_STATUS_REG		0x06
#define PCI_STATUS_INTX		0x08

uint32_t udrv_kp_user_int_enable(WDC_DEVICE_HANDLE dev, uint32_t *options)
{
	const KP_OPEN_CALL *ops = &dev->kp.ops;
	uint32_t have = (ops->funcIntAtIrql ? INTERRUPT_LEVEL_SENSITIVE : 0) |
			(ops->funcIntAtIrqlMSI ?
			 INTERRUPT_MESSAGE | INTERRUPT_MESSAGE_X : 0);
	uint32_t types = INTERRUPT_LEVEL_SENSITIVE | INTERRUPT_MESSAGE |
			 INTERRUPT_MESSAGE_X;
	WD_KERNEL_PLUGIN_CALL call;
	void *ctx = NULL;

	if (!ops->funcIntEnable || !have)
		return udrv_fail(WD_KERPLUG_FAILURE,
				 "WDC_IntEnable: Kernel PlugIn '%s' has no funcIntEnable, or no handler (funcIntAtIrql for INTx, funcIntAtIrqlMSI for MSI/MSI-X)",
				 dev->kp.name);
	/* The same choice the agent makes: only types it has a handler for */
	*options = (*options & ~types) |
		   ((*options & types ? *options & types : types) & have);
	if (!(*options & types))
		return udrv_fail(WD_FAILED_ENABLING_INTERRUPT,
				 "WDC_IntEnable: Kernel PlugIn '%s' has no handler for the interrupt types asked for",
				 dev->kp.name);
	memset(&call, 0, sizeof(call));
	call.hKernelPlugIn = dev->kp.handle;
	if (!ops->funcIntEnable(dev->kp.drv_ctx, &call, &ctx))
		return udrv_fail(WD_KERPLUG_FAILURE,
				 "WDC_IntEnable: the funcIntEnable of Kernel PlugIn '%s' (user mode) returned false",
				 dev->kp.name);
	dev->irq.kp_ctx = ctx;
	dev->irq.kp_seen = 0;
	dev->irq.kp_unacked = 0;
	return WD_STATUS_SUCCESS;
}

/* Still asserting INTx after the handler: it did not acknowledge. */
static bool intx_asserted(WDC_DEVICE_HANDLE dev)
{
	uint16_t status = 0;

	return !WDC_PciReadCfg16(dev, PCI_STATUS_REG, &status) &&
	       (status & PCI_STATUS_INTX);
}

uint32_t udrv_kp_user_int_run(WDC_DEVICE_HANDLE dev, const WD_INTERRUPT *w,
			      uint32_t *handled, uint32_t *stopped)
{
	const KP_OPEN_CALL *ops = &dev->kp.ops;
	struct udrv_dev_int *in = &dev->irq;
	bool intx = w->enabled_type == INTERRUPT_LEVEL_SENSITIVE;
	uint32_t n = w->count - in->kp_seen, i, pending = 0, wake;

	*handled = 0;
	in->kp_seen = w->count;
	for (i = 0; i < n; i++) {
		bool mine = true, dpc;

		dpc = intx ? ops->funcIntAtIrql(in->kp_ctx, &mine) :
			     ops->funcIntAtIrqlMSI(in->kp_ctx, w->last_message,
						   &mine);
		if (mine) {
			++*handled;
			pending += dpc;
		}
		if (!intx)
			continue;
		/* The agent unmasks INTx at the next wait: it must be quiet */
		if (!intx_asserted(dev)) {
			in->kp_unacked = 0;
		} else if (++in->kp_unacked >= KP_USER_UNACKED_MAX) {
			udrv_fail(WD_OPERATION_FAILED,
				  "Kernel PlugIn '%s' (user mode): INTx still asserted after funcIntAtIrql %u times in a row: it does not acknowledge the device; interrupts stopped",
				  dev->kp.name, KP_USER_UNACKED_MAX);
			fprintf(stderr, "udrv: %s\n", WDC_GetLastErrStr());
			*stopped = UDRV_STOP_STORM;
			return 0;
		}
	}
	if (!pending)
		return 0;
	if (intx)
		wake = ops->funcIntAtDpc ?
		       ops->funcIntAtDpc(in->kp_ctx, pending) : pending;
	else
		wake = ops->funcIntAtDpcMSI ?
		       ops->funcIntAtDpcMSI(in->kp_ctx, pending,
					    w->last_message) : pending;
	return wake;
}

void udrv_kp_user_removed(WDC_DEVICE_HANDLE dev)
{
	if (dev->kp.removed)
		return;
	dev->kp.removed = true;
	if (dev->kp.ops.funcEvent)
		dev->kp.ops.funcEvent(dev->kp.drv_ctx, WD_REMOVE);
}

void udrv_kp_user_int_disable(WDC_DEVICE_HANDLE dev)
{
	if (dev->kp.ops.funcIntDisable)
		dev->kp.ops.funcIntDisable(dev->irq.kp_ctx);
	dev->irq.kp_user = false;
}
