// SPDX-License-Identifier: MIT
/*
 * udrvctl bind/unbind against a fake sysfs tree ($UDRV_SYSFS).  A hook
 * plays the kernel: unbind removes the driver link, drivers_probe binds
 * the device to the driver named in driver_override, or without one to
 * the driver that matches its ID (`native`); a driver's bind file binds
 * it unless `bind_refuses`.  Bind notes the driver it took the device
 * from in $UDRV_RUNDIR, unbind gives it back (like driverctl).
 */
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tap.h"
#include "../../tools/udrvctl/sysfs.h"

#define BDF "0000:00:03.0"

static char root[PATH_MAX];
static char log_buf[4096];
static bool kernel_refuses, bind_refuses;
static const char *native;	/* the driver that matches by ID */
static char rundir[PATH_MAX];

static void path(char *buf, const char *rel)
{
	if (snprintf(buf, PATH_MAX, "%s/%s", root, rel) >= PATH_MAX)
		abort();
}

static void touch(const char *rel)
{
	char p[PATH_MAX];
	FILE *f;

	path(p, rel);
	f = fopen(p, "w");
	if (f)
		fclose(f);
}

static void mkdirs(const char *rel)
{
	char p[PATH_MAX], *s;

	path(p, rel);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static void set_driver(const char *drv)
{
	char link[PATH_MAX], target[PATH_MAX], rel[64];

	path(link, "bus/pci/devices/" BDF "/driver");
	unlink(link);
	if (!drv)
		return;
	snprintf(rel, sizeof(rel), "bus/pci/drivers/%s", drv);
	path(target, rel);
	if (symlink(target, link))
		perror("symlink");
}

static void read_rel(const char *rel, char *buf, size_t len)
{
	char p[PATH_MAX];
	FILE *f;
	size_t n = 0;

	path(p, rel);
	f = fopen(p, "r");
	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = 0;
}

/* The kernel's side of each write. */
static void kernel(const char *p, const char *data)
{
	const char *rel = p + strlen(root) + 1;
	char ovr[32];
	size_t n = strlen(log_buf);

	snprintf(log_buf + n, sizeof(log_buf) - n, "%s=%s;", rel,
		 strcmp(data, "\n") ? data : "\\n");
	if (strstr(rel, "/unbind")) {
		set_driver(NULL);
	} else if (!strcmp(rel, "bus/pci/drivers_probe") && !kernel_refuses) {
		read_rel("bus/pci/devices/" BDF "/driver_override", ovr,
			 sizeof(ovr));
		if (!strcmp(ovr, "udrv"))
			set_driver("udrv");
		else if (!strcmp(ovr, "\n") && native)
			set_driver(native);
	} else if (!strcmp(rel, "bus/pci/drivers/e1000/bind") &&
		   !bind_refuses) {
		set_driver("e1000");
	}
}

static int rm(const char *p, const struct stat *st, int type, struct FTW *f)
{
	(void)st, (void)type, (void)f;
	return remove(p);
}

static int run(int (*fn)(const char *, FILE *, FILE *), const char *bdf,
	       char **out, char **err)
{
	size_t lo, le;
	FILE *fo = open_memstream(out, &lo), *fe = open_memstream(err, &le);
	int ret;

	log_buf[0] = 0;
	ret = fn(bdf, fo, fe);
	fclose(fo);
	fclose(fe);
	return ret;
}

int main(void)
{
	char *out, *err, buf[64], p[PATH_MAX];
	int ret;

	snprintf(root, sizeof(root), "%s/udrv-sysfs-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!ok(mkdtemp(root) != NULL, "fake sysfs tree"))
		return tap_done();
	setenv("UDRV_SYSFS", root, 1);
	path(rundir, "run");
	setenv("UDRV_RUNDIR", rundir, 1);
	ctl_sysfs_hook = kernel;
	mkdirs("bus/pci/devices/" BDF);
	mkdirs("bus/pci/drivers/e1000");
	touch("bus/pci/devices/" BDF "/driver_override");
	touch("bus/pci/drivers/e1000/unbind");
	touch("bus/pci/drivers/e1000/bind");
	touch("bus/pci/drivers_probe");
	set_driver("e1000");
	ok(!strcmp(ctl_sysfs_root(), root), "UDRV_SYSFS sets the root");

	ret = run(ctl_bind, BDF, &out, &err);
	ok(ret == 1 && strstr(err, "udrv module is not loaded") &&
	   !log_buf[0], "bind without the udrv driver: clear error, no writes");
	free(out), free(err);

	mkdirs("bus/pci/drivers/udrv");
	touch("bus/pci/drivers/udrv/unbind");
	ret = run(ctl_bind, "0000:00:04.0", &out, &err);
	ok(ret == 1 && strstr(err, "no PCI device 0000:00:04.0"),
	   "bind a missing device");
	free(out), free(err);

	ret = run(ctl_bind, BDF, &out, &err);
	ok(ret == 0, "bind a device driven by e1000");
	ok(!strcmp(log_buf,
		   "bus/pci/devices/" BDF "/driver_override=udrv;"
		   "bus/pci/devices/" BDF "/driver/unbind=" BDF ";"
		   "bus/pci/drivers_probe=" BDF ";"),
	   "... writes driver_override, unbind, drivers_probe in order");
	if (ret || strcmp(out, BDF " bound to udrv (was bound to e1000)\n"))
		printf("# log: %s\n# out: %s# err: %s", log_buf, out, err);
	ok(strstr(out, "was bound to e1000") != NULL, "... and says so");
	read_rel("bus/pci/drivers/e1000/unbind", buf, sizeof(buf));
	ok(!strcmp(buf, BDF), "... e1000's unbind got the address");
	free(out), free(err);

	read_rel("run/" BDF ".driver", buf, sizeof(buf));
	ok(!strcmp(buf, "e1000\n"), "... and notes e1000 in $UDRV_RUNDIR/" BDF ".driver");

	ret = run(ctl_bind, BDF, &out, &err);
	ok(ret == 0 && strstr(out, "already bound") && !log_buf[0],
	   "bind again: nothing to do");
	free(out), free(err);

	native = "e1000";
	ret = run(ctl_unbind, BDF, &out, &err);
	ok(ret == 0, "unbind");
	ok(!strcmp(log_buf, "bus/pci/drivers/udrv/unbind=" BDF ";"
			    "bus/pci/devices/" BDF "/driver_override=\\n;"
			    "bus/pci/drivers_probe=" BDF ";"),
	   "... writes udrv's unbind, clears driver_override, re-probes");
	if (!ok(!strcmp(out, BDF " unbound from udrv, back to e1000\n"),
		"... and e1000, its driver before, has it back"))
		printf("# log: %s\n# out: %s# err: %s", log_buf, out, err);
	read_rel("bus/pci/devices/" BDF "/driver_override", buf, sizeof(buf));
	ok(!strcmp(buf, "\n"), "... driver_override is cleared");
	path(p, "run/" BDF ".driver");
	ok(access(p, F_OK) != 0, "... the note is gone");
	free(out), free(err);

	ret = run(ctl_unbind, BDF, &out, &err);
	ok(ret == 1 && strstr(err, "not bound to udrv (driver: e1000)") &&
	   !log_buf[0], "unbind a device udrv does not drive");
	free(out), free(err);

	/* e1000 had it through new_id, say: the re-probe does not match. */
	run(ctl_bind, BDF, &out, &err);
	free(out), free(err);
	native = NULL;
	ret = run(ctl_unbind, BDF, &out, &err);
	ok(ret == 0 && strstr(log_buf, "bus/pci/drivers/e1000/bind=" BDF ";") &&
	   strstr(out, "back to e1000"),
	   "unbind: a driver that does not match by ID gets it through its bind file");
	free(out), free(err);

	run(ctl_bind, BDF, &out, &err);
	free(out), free(err);
	bind_refuses = true;
	ret = run(ctl_unbind, BDF, &out, &err);
	ok(ret == 1 && strstr(err, "e1000, its driver before, did not take it back (driver now: none)"),
	   "unbind: the previous driver refusing the device is an error");
	free(out), free(err);
	bind_refuses = false;

	set_driver("e1000");
	run(ctl_bind, BDF, &out, &err);
	free(out), free(err);
	native = "other";
	mkdirs("bus/pci/drivers/other");
	ret = run(ctl_unbind, BDF, &out, &err);
	ok(ret == 1 && strstr(err, "was bound to e1000 before udrv, but other took it"),
	   "unbind: another driver taking the device is an error");
	free(out), free(err);

	set_driver(NULL);
	native = NULL;
	ret = run(ctl_bind, BDF, &out, &err);
	ok(ret == 0 && !strstr(log_buf, "unbind") &&
	   !strcmp(out, BDF " bound to udrv\n"),
	   "bind a device without a driver: no unbind write");
	path(p, "run/" BDF ".driver");
	ok(access(p, F_OK) != 0, "... and nothing to note (an old note is gone)");
	free(out), free(err);
	ret = run(ctl_unbind, BDF, &out, &err);
	ok(ret == 0 && strstr(out, "no driver took it"),
	   "unbind a device that had no driver: it stays driverless");
	free(out), free(err);

	kernel_refuses = true;
	ret = run(ctl_bind, BDF, &out, &err);
	ok(ret == 1 && strstr(err, "not bound to udrv after drivers_probe"),
	   "bind that the kernel does not carry out is an error");
	free(out), free(err);

	path(p, "bus/pci/drivers_probe");
	unlink(p);
	ret = run(ctl_bind, BDF, &out, &err);
	ok(ret == 1 && strstr(err, "drivers_probe"),
	   "a sysfs file that cannot be written is reported");
	free(out), free(err);

	nftw(root, rm, 16, FTW_DEPTH | FTW_PHYS);
	return tap_done();
}
