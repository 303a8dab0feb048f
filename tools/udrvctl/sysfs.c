// SPDX-License-Identifier: MIT
/*
 * sysfs.c - bind/unbind: driver_override + drivers_probe, the way vfio-pci
 * devices are bound, then a check that the kernel did what we asked.  The
 * driver a device had before bind is remembered in a file so that unbind
 * can check that it got the device back, and hand it over explicitly if
 * the re-probe did not.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sysfs.h"

void (*ctl_sysfs_hook)(const char *path, const char *data);

const char *ctl_sysfs_root(void)
{
	const char *r = getenv("UDRV_SYSFS");

	return r && *r ? r : "/sys";
}

const char *ctl_run_dir(void)
{
	const char *r = getenv("UDRV_RUNDIR");

	return r && *r ? r : "/run/udrv";
}

/* A path into buf (PATH_MAX bytes); -1 if it does not fit. */
static int mkpath(char *buf, FILE *err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int mkpath(char *buf, FILE *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX) {
		fprintf(err, "udrvctl: path too long under %s\n",
			ctl_sysfs_root());
		return -1;
	}
	return 0;
}

static int write_file(const char *path, const char *data, FILE *err)
{
	size_t n = strlen(data);
	ssize_t w;
	int fd, e;

	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		fprintf(err, "udrvctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	w = write(fd, data, n);
	e = errno;
	close(fd);
	if (w != (ssize_t)n) {
		fprintf(err, "udrvctl: writing to %s: %s\n", path,
			w < 0 ? strerror(e) : "short write");
		return -1;
	}
	if (ctl_sysfs_hook)
		ctl_sysfs_hook(path, data);
	return 0;
}

/* The name of the device's driver into drv ("" if none). */
static void current_driver(const char *devdir, char *drv, size_t len,
			   FILE *err)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	drv[0] = 0;
	if (mkpath(link, err, "%s/driver", devdir))
		return;
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = 0;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) < len)
		strcpy(drv, base);
}

void ctl_driver_of(const char *bdf, char *drv, size_t len)
{
	char devdir[PATH_MAX];
	int n = snprintf(devdir, sizeof(devdir), "%s/bus/pci/devices/%s",
			 ctl_sysfs_root(), bdf);

	drv[0] = 0;
	if (n > 0 && n < (int)sizeof(devdir))
		current_driver(devdir, drv, len, stderr);
}

/* The file that remembers bdf's previous driver. */
static int state_path(char *buf, const char *bdf, FILE *err)
{
	return mkpath(buf, err, "%s/%s.driver", ctl_run_dir(), bdf);
}

/* mkdir -p: a fresh system (or the VM's initramfs) may have no /run. */
static void make_dirs(const char *dir)
{
	char buf[PATH_MAX], *s;

	if (strlen(dir) >= sizeof(buf))
		return;
	strcpy(buf, dir);
	for (s = buf + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(buf, 0755);
		*s = '/';
	}
	mkdir(buf, 0755);
}

/* Notes (or forgets, old ""): a failure only costs unbind's check. */
static void remember(const char *bdf, const char *old, FILE *err)
{
	char path[PATH_MAX];
	FILE *f;

	if (state_path(path, bdf, err))
		return;
	if (!old[0]) {
		unlink(path);
		return;
	}
	make_dirs(ctl_run_dir());
	f = fopen(path, "w");
	if (!f || fprintf(f, "%s\n", old) < 0 || fclose(f)) {
		fprintf(err, "udrvctl: warning: cannot note the previous driver in %s: %s (unbind will not check that %s gets the device back)\n",
			path, strerror(errno), old);
		if (f)
			fclose(f);
	}
}

static void recall(const char *bdf, char *old, size_t len, FILE *err)
{
	char path[PATH_MAX];
	FILE *f;

	old[0] = 0;
	if (state_path(path, bdf, err))
		return;
	f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(old, (int)len, f))
		old[0] = 0;
	fclose(f);
	old[strcspn(old, "\n")] = 0;
	/* A driver name is one path component. */
	if (strchr(old, '/') || !strcmp(old, ".") || !strcmp(old, ".."))
		old[0] = 0;
}

static void forget(const char *bdf, FILE *err)
{
	char path[PATH_MAX];

	if (!state_path(path, bdf, err))
		unlink(path);
}

static int find_device(const char *bdf, char *devdir, FILE *err)
{
	struct stat st;

	if (mkpath(devdir, err, "%s/bus/pci/devices/%s", ctl_sysfs_root(),
		   bdf))
		return -1;
	if (stat(devdir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(err, "udrvctl: there is no PCI device %s (no %s)\n",
			bdf, devdir);
		return -1;
	}
	return 0;
}

int ctl_bind(const char *bdf, FILE *out, FILE *err)
{
	char devdir[PATH_MAX], path[PATH_MAX], old[NAME_MAX + 1],
	     drv[NAME_MAX + 1];
	const char *root = ctl_sysfs_root();
	struct stat st;

	if (find_device(bdf, devdir, err))
		return 1;
	if (mkpath(path, err, "%s/bus/pci/drivers/udrv", root))
		return 1;
	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(err, "udrvctl: the udrv module is not loaded (no %s): load udrv.ko first\n",
			path);
		return 1;
	}
	current_driver(devdir, old, sizeof(old), err);
	if (!strcmp(old, "udrv")) {
		fprintf(out, "%s is already bound to udrv\n", bdf);
		return 0;
	}
	remember(bdf, old, err);
	/* From now on only udrv may take the device, even on a re-probe. */
	if (mkpath(path, err, "%s/driver_override", devdir) ||
	    write_file(path, "udrv", err))
		return 1;
	if (old[0]) {
		if (mkpath(path, err, "%s/driver/unbind", devdir) ||
		    write_file(path, bdf, err))
			return 1;
	}
	if (mkpath(path, err, "%s/bus/pci/drivers_probe", root) ||
	    write_file(path, bdf, err))
		return 1;
	current_driver(devdir, drv, sizeof(drv), err);
	if (strcmp(drv, "udrv")) {
		fprintf(err, "udrvctl: %s is not bound to udrv after drivers_probe (driver now: %s); see the kernel log\n",
			bdf, drv[0] ? drv : "none");
		return 1;
	}
	if (old[0])
		fprintf(out, "%s bound to udrv (was bound to %s)\n", bdf, old);
	else
		fprintf(out, "%s bound to udrv\n", bdf);
	return 0;
}

int ctl_unbind(const char *bdf, FILE *out, FILE *err)
{
	char devdir[PATH_MAX], path[PATH_MAX], drv[NAME_MAX + 1],
	     old[NAME_MAX + 1];

	if (find_device(bdf, devdir, err))
		return 1;
	current_driver(devdir, drv, sizeof(drv), err);
	if (strcmp(drv, "udrv")) {
		fprintf(err, "udrvctl: %s is not bound to udrv (driver: %s)\n",
			bdf, drv[0] ? drv : "none");
		return 1;
	}
	recall(bdf, old, sizeof(old), err);
	if (mkpath(path, err, "%s/bus/pci/drivers/udrv/unbind",
		   ctl_sysfs_root()) ||
	    write_file(path, bdf, err))
		return 1;
	/* An empty override lets the device's own driver match again. */
	if (mkpath(path, err, "%s/driver_override", devdir) ||
	    write_file(path, "\n", err))
		return 1;
	if (mkpath(path, err, "%s/bus/pci/drivers_probe", ctl_sysfs_root()) ||
	    write_file(path, bdf, err))
		return 1;
	current_driver(devdir, drv, sizeof(drv), err);
	/* Not matched by ID (a new_id, say): hand it over by name. */
	if (old[0] && strcmp(drv, old)) {
		if (drv[0]) {
			fprintf(err, "udrvctl: %s was bound to %s before udrv, but %s took it on the re-probe\n",
				bdf, old, drv);
			return 1;
		}
		if (mkpath(path, err, "%s/bus/pci/drivers/%s/bind",
			   ctl_sysfs_root(), old) ||
		    write_file(path, bdf, err)) {
			fprintf(err, "udrvctl: %s is unbound from udrv but has no driver: %s, its driver before, did not take it back\n",
				bdf, old);
			return 1;
		}
		current_driver(devdir, drv, sizeof(drv), err);
		if (strcmp(drv, old)) {
			fprintf(err, "udrvctl: %s is unbound from udrv but %s, its driver before, did not take it back (driver now: %s)\n",
				bdf, old, drv[0] ? drv : "none");
			return 1;
		}
	}
	forget(bdf, err);
	if (!strcmp(drv, "udrv")) {
		fprintf(err, "udrvctl: %s is still bound to udrv after unbind\n",
			bdf);
		return 1;
	}
	if (drv[0])
		fprintf(out, "%s unbound from udrv, back to %s\n", bdf, drv);
	else
		fprintf(out, "%s unbound from udrv; no driver took it (it has none now)\n",
			bdf);
	return 0;
}
