// SPDX-License-Identifier: MIT
/*
 * dma_vfio [--no-thp] BDF [SIZE:REPS ...]: the VFIO peer of
 * bench_dma_udrv — the cost of VFIO_IOMMU_MAP_DMA + VFIO_IOMMU_UNMAP_DMA
 * of the same buffers, through the type-1 IOMMU container of BDF's group
 * (BDF bound to vfio-pci; needs the IOMMU: vm/run --iommu, and the module
 * vfio_iommu_type1).  Self-contained, without libudrv.
 *
 * Default sizes and repetitions: 4K:2000 1M:200 64M:20 1G:5.
 *
 * Set-up: container (/dev/vfio/vfio), group (/dev/vfio/G), the group
 * added to the container, type-1 IOMMU (v2 when offered).  Mapping needs
 * no device fd, so none is opened.  The IOVA: the first 1 GiB-aligned
 * address at or above 4 GiB that lies in a usable IOVA range (the
 * container reports them), else the first 2 MiB-aligned one in a range
 * large enough.  Read + write mappings.
 *
 * Buffers exactly as bench_dma_udrv's: per size one anonymous private
 * mmap aligned to 2 MiB, every page written once before the first map,
 * one untimed warm-up map + unmap, then REPS timed ones; --no-thp
 * madvise(MADV_NOHUGEPAGE)s the buffer and appends "-nothp" to the names.
 *
 * Output per size, medians over the REPS:
 *   RESULT vfio-map-<SIZE> <microseconds per map + unmap>
 *   RESULT vfio-maponly-<SIZE> <microseconds per map>
 *   RESULT vfio-unmap-<SIZE> <microseconds per unmap>
 * plus "# ..." comments.  Errors go to stderr, exit status 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define MAX_RANGES	16

static const char *prog = "dma_vfio";
#include "dma_common.h"

static int container;
static struct { uint64_t start, end; } ranges[MAX_RANGES];
static unsigned int nranges;

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Page sizes, IOVA ranges and the mapping limit of the container. */
static void iommu_info(void)
{
	struct vfio_iommu_type1_info *info;
	struct vfio_info_cap_header *h;
	uint32_t argsz = sizeof(*info), off;
	unsigned int i;

	info = calloc(1, argsz);
	if (!info)
		die("out of memory");
	info->argsz = argsz;
	if (ioctl(container, VFIO_IOMMU_GET_INFO, info))
		die("VFIO_IOMMU_GET_INFO: %s", strerror(errno));
	if (info->argsz > argsz) {
		argsz = info->argsz;
		free(info);
		info = calloc(1, argsz);
		if (!info)
			die("out of memory");
		info->argsz = argsz;
		if (ioctl(container, VFIO_IOMMU_GET_INFO, info))
			die("VFIO_IOMMU_GET_INFO: %s", strerror(errno));
	}
	printf("# vfio: IOMMU page sizes %#llx\n",
	       (unsigned long long)info->iova_pgsizes);
	off = (info->flags & VFIO_IOMMU_INFO_CAPS) ? info->cap_offset : 0;
	while (off && off + sizeof(*h) <= argsz) {
		h = (void *)((char *)info + off);
		if (h->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *r =
				(void *)h;

			for (i = 0; i < r->nr_iovas && nranges < MAX_RANGES;
			     i++, nranges++) {
				ranges[nranges].start = r->iova_ranges[i].start;
				ranges[nranges].end = r->iova_ranges[i].end;
				printf("# vfio: usable IOVA range %#llx-%#llx\n",
				       (unsigned long long)ranges[nranges].start,
				       (unsigned long long)ranges[nranges].end);
			}
		} else if (h->id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			printf("# vfio: %u more mappings allowed "
			       "(dma_entry_limit)\n",
			       ((struct vfio_iommu_type1_info_dma_avail *)h)->avail);
		}
		off = h->next;
	}
	if (!nranges) {	/* no cap: assume the 39-bit space of QEMU's VT-d */
		ranges[0].start = 0;
		ranges[0].end = (1ULL << 39) - 1;
		nranges = 1;
	}
	free(info);
}

static uint64_t pick_iova(uint64_t bytes)
{
	const uint64_t G = 1ULL << 30;
	unsigned int i;
	uint64_t a;

	for (i = 0; i < nranges; i++) {
		a = ranges[i].start < 4 * G ? 4 * G : ranges[i].start;
		a = (a + G - 1) & ~(G - 1);
		if (a >= ranges[i].start && a + bytes - 1 <= ranges[i].end)
			return a;
	}
	for (i = 0; i < nranges; i++) {
		a = (ranges[i].start + HUGE_ALIGN - 1) & ~(HUGE_ALIGN - 1);
		if (a >= ranges[i].start && a + bytes - 1 <= ranges[i].end)
			return a;
	}
	die("no usable IOVA range holds %llu bytes",
	    (unsigned long long)bytes);
}

static int map(void *buf, uint64_t bytes, uint64_t iova)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)buf,
		.iova = iova,
		.size = bytes,
	};

	if (ioctl(container, VFIO_IOMMU_MAP_DMA, &m)) {
		fprintf(stderr, "%s: VFIO_IOMMU_MAP_DMA %llu bytes at IOVA "
			"%#llx: %s\n", prog, (unsigned long long)bytes,
			(unsigned long long)iova, strerror(errno));
		return -1;
	}
	return 0;
}

static int unmap(uint64_t bytes, uint64_t iova)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .iova = iova, .size = bytes,
	};

	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &u) || u.size != bytes) {
		fprintf(stderr, "%s: VFIO_IOMMU_UNMAP_DMA %llu bytes at IOVA "
			"%#llx: %s (unmapped %llu)\n", prog,
			(unsigned long long)bytes, (unsigned long long)iova,
			strerror(errno), (unsigned long long)u.size);
		return -1;
	}
	return 0;
}

static int bench(const char *name, size_t bytes, unsigned long reps, int nothp)
{
	unsigned long pages = (bytes + PAGE - 1) / PAGE, r;
	uint64_t mapped = (bytes + PAGE - 1) & ~(PAGE - 1);	/* whole pages */
	uint64_t iova = pick_iova(mapped);
	double *tm = calloc(reps, sizeof(double));
	double *tu = calloc(reps, sizeof(double));
	double *tt = calloc(reps, sizeof(double));
	const char *sfx = nothp ? "-nothp" : "";
	double t0, t1, t2, t_alloc, mm, mu, mt;
	void *buf;
	int ret = -1;

	if (!tm || !tu || !tt) {
		fprintf(stderr, "%s: out of memory\n", prog);
		goto out;
	}
	t0 = now_us();
	buf = buf_alloc(bytes, nothp);
	if (!buf) {
		fprintf(stderr, "%s: mmap %zu bytes: %s\n", prog, bytes,
			strerror(errno));
		goto out;
	}
	t_alloc = now_us() - t0;
	printf("# vfio-map-%s%s: %zu bytes = %lu pages at %p (%ld kB of them THP), "
	       "mmap + touch %.0f us, IOVA %#llx; warm-up, then %lu x map + unmap\n",
	       name, sfx, bytes, pages, buf, thp_kb(buf), t_alloc,
	       (unsigned long long)iova, reps);
	fflush(stdout);

	t0 = now_us();
	if (map(buf, mapped, iova))
		goto unmap_buf;
	t1 = now_us();
	if (unmap(mapped, iova))
		goto unmap_buf;
	printf("# vfio-map-%s%s: warm-up map %.1f us, unmap %.1f us\n", name,
	       sfx, t1 - t0, now_us() - t1);
	for (r = 0; r < reps; r++) {
		t0 = now_us();
		if (map(buf, mapped, iova))
			goto unmap_buf;
		t1 = now_us();
		if (unmap(mapped, iova))
			goto unmap_buf;
		t2 = now_us();
		tm[r] = t1 - t0;
		tu[r] = t2 - t1;
		tt[r] = t2 - t0;
	}
	mm = median(tm, reps);
	mu = median(tu, reps);
	mt = median(tt, reps);
	printf("# vfio-map-%s%s: map+unmap min %.1f median %.1f max %.1f us; "
	       "%.1f ns per page (map %.1f, unmap %.1f)\n", name, sfx, tt[0],
	       mt, tt[reps - 1], mt * 1e3 / pages, mm * 1e3 / pages,
	       mu * 1e3 / pages);
	printf("RESULT vfio-map-%s%s %.1f\n", name, sfx, mt);
	printf("RESULT vfio-maponly-%s%s %.1f\n", name, sfx, mm);
	printf("RESULT vfio-unmap-%s%s %.1f\n", name, sfx, mu);
	ret = 0;
unmap_buf:
	munmap(buf, bytes);
out:
	fflush(stdout);
	free(tm);
	free(tu);
	free(tt);
	return ret;
}

int main(int argc, char **argv)
{
	static char *defaults[] = { "4K:2000", "1M:200", "64M:20", "1G:5" };
	struct vfio_group_status gs = { .argsz = sizeof(gs) };
	char **specs = defaults, bdf[13], path[256], link[PATH_MAX];
	int nspecs = 4, nothp = 0, failed = 0, group, type, i;
	ssize_t len;

	if (argc > 1 && !strcmp(argv[1], "--no-thp")) {
		nothp = 1;
		argc--;
		argv++;
	}
	if (argc < 2)
		die("usage: %s [--no-thp] BDF [SIZE:REPS ...]", prog);
	if (strlen(argv[1]) == 7)
		snprintf(bdf, sizeof(bdf), "0000:%s", argv[1]);
	else if (strlen(argv[1]) == 12)
		snprintf(bdf, sizeof(bdf), "%s", argv[1]);
	else
		die("bad BDF '%s'", argv[1]);
	if (argc > 2) {
		specs = argv + 2;
		nspecs = argc - 2;
	}
	for (i = 0; i < nspecs; i++) {
		char *end;
		unsigned long long b = parse_size(specs[i], &end);

		if (!b || *end != ':' || strtoul(end + 1, &end, 0) == 0 ||
		    *end || b > (4ULL << 30))
			die("bad SIZE:REPS '%s' (SIZE e.g. 4K, 1M, 64M, 1G; "
			    "at most 4G)", specs[i]);
	}

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	len = readlink(path, link, sizeof(link) - 1);
	if (len < 0)
		die("%s: %s (no IOMMU?)", path, strerror(errno));
	link[len] = 0;
	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0)
		die("/dev/vfio/vfio: %s", strerror(errno));
	if (ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION)
		die("unknown VFIO API version");
	type = ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) == 1 ?
	       VFIO_TYPE1v2_IOMMU : VFIO_TYPE1_IOMMU;
	if (type == VFIO_TYPE1_IOMMU &&
	    ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) != 1)
		die("no VFIO type-1 IOMMU support (vfio_iommu_type1 loaded?)");
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(link, '/') + 1);
	group = open(path, O_RDWR);
	if (group < 0)
		die("%s: %s (not bound to vfio-pci?)", path, strerror(errno));
	if (ioctl(group, VFIO_GROUP_GET_STATUS, &gs))
		die("group status: %s", strerror(errno));
	if (!(gs.flags & VFIO_GROUP_FLAGS_VIABLE))
		die("%s: group not viable (other devices not bound to vfio)",
		    path);
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		die("set container: %s", strerror(errno));
	if (ioctl(container, VFIO_SET_IOMMU, type))
		die("set IOMMU: %s", strerror(errno));
	printf("# vfio: %s, group %s, %s, read+write mappings%s\n", bdf,
	       path, type == VFIO_TYPE1v2_IOMMU ? "type-1 v2" : "type-1",
	       nothp ? ", MADV_NOHUGEPAGE" : "");
	iommu_info();

	for (i = 0; i < nspecs; i++) {
		char *end, name[32];
		unsigned long long b = parse_size(specs[i], &end);
		unsigned long reps = strtoul(end + 1, NULL, 0);

		snprintf(name, sizeof(name), "%.*s", (int)(end - specs[i]),
			 specs[i]);
		for (end = name; *end; end++)
			if (*end >= 'a' && *end <= 'z')
				*end -= 'a' - 'A';
		if (bench(name, b, reps, nothp))
			failed = 1;
	}
	close(group);
	close(container);
	return failed;
}
