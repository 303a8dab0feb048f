// SPDX-License-Identifier: MIT
/*
 * t_race: regression tests for the agent's lifetime defects, raced on two
 * vCPUs (tests/run-vm boots with -smp 2).  Each part reproduces one defect
 * of the hardening review against the agent as it was before the fix:
 *
 *  1. mmap of a DMA buffer racing its unlock: the pages were mapped before
 *     the VMA could be zapped, so the mapping survived the unlock and the
 *     freed pages stayed readable and writable.  Here: after every round a
 *     mapping that still works is counted as stale.
 *  2. The same for a BAR mapping racing unregister.
 *  4. DMA_LOCK (taking mmap_lock under the file's lock) against mmap()
 *     (taking the file's lock under mmap_lock): two threads hung in D
 *     state for good.  Here: a child runs both loops; it must finish.
 *  5. REGISTER whose answer cannot be written back: the card was already
 *     visible, another thread could lock a DMA buffer on it, and the undo
 *     leaked that buffer.  Here: while REGISTER is held in the write-back
 *     (userfaultfd), DMA_LOCK on its handle must fail, nothing may leak.
 * 14. Cleanup commands of a shared device ran at every owner's release;
 *     they must run only at the last one's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <udrv_abi.h>

#include "common/tap.h"

#define EDU_LIVENESS	0x04	/* reads back the complement of a write */

static WD_PCI_SLOT edu[2];

/* ---- touching a mapping that should be gone ---- */

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_armed;

static void on_fault(int sig)
{
	(void)sig;
	if (fault_armed)
		siglongjmp(fault_jmp, 1);
	_exit(99);
}

/* True if reading *p faults (SIGBUS or SIGSEGV). */
static bool read_faults(volatile uint32_t *p)
{
	bool faulted = true;

	if (!sigsetjmp(fault_jmp, 1)) {
		fault_armed = 1;
		(void)*p;
		faulted = false;
	}
	fault_armed = 0;
	return faulted;
}

static void catch_faults(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
}

/* ---- raw agent calls ---- */

static int reg(int fd, WD_PCI_SLOT s, uint32_t options, uint32_t *h)
{
	struct udrv_register r;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.slot.domain = s.domain;
	r.slot.bus = s.bus;
	r.slot.slot = s.slot;
	r.slot.function = s.function;
	r.options = options;
	if (ioctl(fd, UDRV_IOC_REGISTER, &r))
		return -errno;
	*h = r.hcard;
	return 0;
}

static int unreg(int fd, uint32_t h)
{
	struct udrv_unregister u = { .size = sizeof(u), .hcard = h };

	return ioctl(fd, UDRV_IOC_UNREGISTER, &u) ? -errno : 0;
}

static int dma_lock(int fd, uint32_t h, void *sg, uint64_t bytes,
		    uint32_t *hdma, uint64_t *off)
{
	struct udrv_dma_page pg[32];
	struct udrv_dma_lock l;

	memset(&l, 0, sizeof(l));
	l.size = sizeof(l);
	l.hcard = h;
	l.options = sg ? UDRV_DMA_TO_DEVICE : UDRV_DMA_CONTIG;
	l.user_addr = (uintptr_t)sg;
	l.bytes = bytes;
	l.num_pages = 32;
	l.pages = (uintptr_t)pg;
	if (ioctl(fd, UDRV_IOC_DMA_LOCK, &l))
		return -errno;
	*hdma = l.hdma;
	if (off)
		*off = l.mmap_offset;
	return 0;
}

static int dma_unlock(int fd, uint32_t hdma)
{
	struct udrv_dma_op op = { .size = sizeof(op), .hdma = hdma };

	return ioctl(fd, UDRV_IOC_DMA_UNLOCK, &op) ? -errno : 0;
}

static long dma_buffers(void)
{
	FILE *f = fopen("/sys/bus/pci/drivers/udrv/dma_stats", "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "buffers %ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* ---- 1 and 2: a mapping racing the release of what it maps ---- */

static void spin(int n)
{
	volatile int i;

	for (i = 0; i < n; i++)
		;
}

/*
 * A mapper thread that lives across rounds: thread creation is too slow
 * to collide with anything.  Each round, both sides start together and
 * one waits a little: the delays sweep the window, mostly with the mmap
 * ahead (it has the longer way to the point that matters).
 */
struct mapper {
	pthread_t t;
	int fd;
	uint64_t off;
	int delay;
	atomic_int round;	/* -1: exit */
	atomic_int done;
	void *got;
};

static void *mapper_thread(void *arg)
{
	struct mapper *m = arg;
	int seen = 0, r;

	for (;;) {
		while ((r = atomic_load(&m->round)) == seen)
			;
		if (r < 0)
			return NULL;
		seen = r;
		spin(m->delay);
		m->got = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
			      m->fd, (off_t)m->off);
		atomic_store(&m->done, r);
	}
}

/*
 * Round i: the mapper maps `off` while `release` runs.  Returns 1 if the
 * mapping (when made) still reaches anything after the release, 0 if
 * not, -1 if the mmap came too late (refused).
 */
static int race_one(struct mapper *m, int i, uint64_t off,
		    int (*release)(int, uint32_t), uint32_t what)
{
	int stale = -1;

	m->off = off;
	m->delay = i % 4 ? 0 : (i / 4 % 25) * 100;
	atomic_store(&m->round, i + 1);
	spin(i % 4 ? (i / 4 % 100) * 100 : 0);
	release(m->fd, what);
	while (atomic_load(&m->done) != i + 1)
		;
	if (m->got != MAP_FAILED) {
		stale = !read_faults(m->got);
		munmap(m->got, 4096);
	}
	return stale;
}

static void mapper_start(struct mapper *m, int fd)
{
	memset(m, 0, sizeof(*m));
	m->fd = fd;
	atomic_init(&m->round, 0);
	atomic_init(&m->done, 0);
	pthread_create(&m->t, NULL, mapper_thread, m);
}

static void mapper_stop(struct mapper *m)
{
	atomic_store(&m->round, -1);
	pthread_join(m->t, NULL);
}

static void test_dma_mmap_race(int fd, uint32_t h)
{
	int rounds = 2000, mapped = 0, stale = 0, i;
	struct mapper m;

	mapper_start(&m, fd);
	for (i = 0; i < rounds; i++) {
		uint32_t hdma;
		uint64_t off;
		int r;

		if (dma_lock(fd, h, NULL, 4096, &hdma, &off))
			break;
		r = race_one(&m, i, off, dma_unlock, hdma);
		mapped += r >= 0;
		stale += r == 1;
	}
	mapper_stop(&m);
	tap_ok(i == rounds && stale == 0,
	       "defect 1: mmap of a DMA buffer racing its unlock: %d rounds, %d mapped in time, %d mappings outlived the buffer",
	       i, mapped, stale);
}

static int unreg_release(int fd, uint32_t h)
{
	return unreg(fd, h);
}

static void test_bar_mmap_race(int fd)
{
	int rounds = 2000, mapped = 0, stale = 0, i;
	struct mapper m;

	mapper_start(&m, fd);
	for (i = 0; i < rounds; i++) {
		uint32_t h;
		int r;

		if (reg(fd, edu[0], 0, &h))
			break;
		r = race_one(&m, i, UDRV_MMAP_OFFSET(h, 0), unreg_release, h);
		mapped += r >= 0;
		stale += r == 1;
	}
	mapper_stop(&m);
	tap_ok(i == rounds && stale == 0,
	       "defect 2: mmap of a BAR racing unregister: %d rounds, %d mapped in time, %d mappings outlived the card",
	       i, mapped, stale);
}

/* ---- 4: DMA_LOCK against mmap in one process ---- */

struct abba {
	int fd;
	uint32_t h;
	int iters;
	int fails;
	int first_err;		/* errno of the first failure */
};

static void abba_fail(struct abba *a, int err)
{
	if (!a->fails++)
		a->first_err = err;
}

static void *abba_dma(void *arg)
{
	struct abba *a = arg;
	static uint8_t buf[16 * 4096] __attribute__((aligned(4096)));
	int i;

	memset(buf, 1, sizeof(buf));
	for (i = 0; i < a->iters; i++) {
		uint32_t hdma;

		int r = dma_lock(a->fd, a->h, buf, sizeof(buf), &hdma, NULL);

		if (!r)
			r = dma_unlock(a->fd, hdma);
		if (r)
			abba_fail(a, -r);
	}
	return NULL;
}

static void *abba_mmap(void *arg)
{
	struct abba *a = arg;
	int i;

	for (i = 0; i < a->iters; i++) {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, a->fd,
			       (off_t)UDRV_MMAP_OFFSET(a->h, 0));

		if (p == MAP_FAILED)
			abba_fail(a, errno);
		else
			munmap(p, 4096);
	}
	return NULL;
}

static void test_abba(void)
{
	int status = 0, waited;
	pid_t pid;

	fflush(stdout);		/* the child prints: nothing twice */
	pid = fork();

	if (pid == 0) {
		struct abba a = { .iters = 3000 };
		struct abba b;
		pthread_t t1, t2;

		struct udrv_dma_mask m = { .size = sizeof(m), .bits = 64 };

		if (WD_Open(&a.fd) || reg(a.fd, edu[0], 0, &a.h))
			_exit(2);
		/*
		 * The edu's own 28-bit mask would refuse most pages (nothing
		 * here starts the device's DMA engine).
		 */
		m.hcard = a.h;
		if (ioctl(a.fd, UDRV_IOC_DMA_MASK, &m))
			_exit(4);
		b = a;
		pthread_create(&t1, NULL, abba_dma, &a);
		pthread_create(&t2, NULL, abba_mmap, &b);
		pthread_join(t1, NULL);
		pthread_join(t2, NULL);
		m.bits = 28;	/* the edu's own, for whoever comes next */
		ioctl(a.fd, UDRV_IOC_DMA_MASK, &m);
		if (a.fails || b.fails)
			printf("# t_race: DMA_LOCK/UNLOCK failed %d times (first: %s), mmap %d times (first: %s)\n",
			       a.fails, strerror(a.first_err), b.fails,
			       strerror(b.first_err));
		fflush(stdout);
		_exit(a.fails || b.fails ? 3 : 0);
	}
	/*
	 * A deadlock detector, not a timing claim: the loops take seconds;
	 * five minutes without an exit means the two threads are stuck.
	 */
	for (waited = 0; waited < 300; waited++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		sleep(1);
	}
	if (waited == 300) {
		tap_ok(false, "defect 4: DMA_LOCK against mmap: the process is stuck (deadlock: unkillable, the module cannot unload)");
		kill(pid, SIGKILL);
		return;
	}
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "defect 4: DMA_LOCK and mmap in two threads of one process: 3000 rounds each, no deadlock (status 0x%x)",
	       status);
}

/* ---- 5: REGISTER that cannot answer ---- */

/*
 * userfaultfd makes the window deterministic: the answer page is
 * write-protected, so REGISTER's write-back blocks in the fault until
 * this thread lets it fail.  Meanwhile a card the agent had already made
 * visible can be used, as another thread of a real program could.
 */
struct reg_call {
	int fd;
	struct udrv_register *arg;
	int err;
};

static void *register_thread(void *p)
{
	struct reg_call *c = p;

	c->err = ioctl(c->fd, UDRV_IOC_REGISTER, c->arg) ? errno : 0;
	return NULL;
}

static int uffd_wp(void *page)
{
	struct uffdio_api api = { .api = UFFD_API,
				  .features = UFFD_FEATURE_PAGEFAULT_FLAG_WP };
	struct uffdio_register r = {
		.range = { .start = (uintptr_t)page, .len = 4096 },
		.mode = UFFDIO_REGISTER_MODE_WP,
	};
	struct uffdio_writeprotect wp = {
		.range = { .start = (uintptr_t)page, .len = 4096 },
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};
	int u = syscall(SYS_userfaultfd, O_CLOEXEC);

	if (u < 0)
		return -1;
	if (ioctl(u, UFFDIO_API, &api) || ioctl(u, UFFDIO_REGISTER, &r) ||
	    ioctl(u, UFFDIO_WRITEPROTECT, &wp)) {
		close(u);
		return -1;
	}
	return u;
}

static void test_register_undo(void)
{
	long before = dma_buffers(), after;
	struct pollfd pfd;
	struct reg_call c;
	struct uffd_msg msg;
	pthread_t t;
	uint32_t h, hdma;
	int u, won = -1;

	if (WD_Open(&c.fd) || reg(c.fd, edu[0], 0, &h) || unreg(c.fd, h)) {
		tap_ok(false, "defect 5: set-up");
		return;
	}
	/* The handle allocator gives the lowest free one: h again. */
	c.arg = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(c.arg, 0, sizeof(*c.arg));
	c.arg->size = sizeof(*c.arg);
	c.arg->slot.domain = edu[0].domain;
	c.arg->slot.bus = edu[0].bus;
	c.arg->slot.slot = edu[0].slot;
	c.arg->slot.function = edu[0].function;
	u = uffd_wp(c.arg);
	if (u < 0) {
		tap_skip("defect 5: userfaultfd write-protect unavailable (%s)",
			 strerror(errno));
		close(c.fd);
		return;
	}
	pthread_create(&t, NULL, register_thread, &c);
	pfd.fd = u;
	pfd.events = POLLIN;
	/* Not a timing claim: without a fault within a minute there is none */
	if (poll(&pfd, 1, 60000) == 1 && read(u, &msg, sizeof(msg)) ==
	    sizeof(msg) && msg.event == UFFD_EVENT_PAGEFAULT) {
		/* REGISTER is stuck writing its answer: is the card live? */
		won = !dma_lock(c.fd, h, NULL, 4096, &hdma, NULL);
	}
	/* Gone under the blocked write-back: it fails when woken. */
	munmap(c.arg, 4096);
	close(u);
	pthread_join(t, NULL);
	close(c.fd);
	after = dma_buffers();
	tap_ok(c.err == EFAULT, "defect 5: REGISTER whose answer cannot be written fails with EFAULT (%s)",
	       strerror(c.err));
	tap_ok(won == 0 && after == before,
	       "defect 5: while it tried to answer, its card could not be used (%s) and nothing leaked (buffers %ld -> %ld)",
	       won < 0 ? "no fault seen" : won ? "a DMA buffer was locked on it" : "DMA_LOCK refused",
	       before, after);
}

/* ---- 14: cleanup commands at the last owner's release only ---- */

static uint32_t liveness(int fd, uint32_t h)
{
	WD_TRANSFER t;

	memset(&t, 0, sizeof(t));
	t.cmd = RM_DWORD;
	t.addr = EDU_LIVENESS;
	return WD_Transfer(fd, h, &t) ? 0xdeadbeef : ~t.data.dw;
}

static void set_cleanup(int fd, uint32_t h, uint32_t val)
{
	WD_TRANSFER t;

	memset(&t, 0, sizeof(t));
	t.cmd = WM_DWORD;
	t.addr = EDU_LIVENESS;
	t.data.dw = val;
	WD_CardCleanupSetup(fd, h, &t, 1, 0);
}

static void test_cleanup_last_owner(void)
{
	int a, b, probe;
	uint32_t ha, hb, hp;
	WD_TRANSFER t;

	if (WD_Open(&a) || WD_Open(&b) || WD_Open(&probe) ||
	    reg(a, edu[1], WD_SHARED, &ha) || reg(b, edu[1], WD_SHARED, &hb) ||
	    reg(probe, edu[1], WD_SHARED, &hp)) {
		tap_ok(false, "defect 14: three shared owners");
		return;
	}
	memset(&t, 0, sizeof(t));
	t.cmd = WM_DWORD;
	t.addr = EDU_LIVENESS;
	t.data.dw = 0x5eed;
	WD_Transfer(probe, hp, &t);
	set_cleanup(a, ha, 0xaaaa);
	set_cleanup(b, hb, 0xbbbb);
	close(a);
	tap_ok(liveness(probe, hp) == 0x5eed,
	       "defect 14: an owner that is not the last leaves: its cleanup commands do not run (0x%x)",
	       liveness(probe, hp));
	close(probe);
	close(b);
	if (WD_Open(&probe) || reg(probe, edu[1], 0, &hp)) {
		tap_ok(false, "defect 14: register again");
		return;
	}
	tap_ok(liveness(probe, hp) == 0xbbbb,
	       "defect 14: the last owner leaves: its cleanup commands run (0x%x)",
	       liveness(probe, hp));
	close(probe);
}

/* Arguments name the parts to run (1 2 4 5 14); none: all of them. */
static bool want(int argc, char **argv, const char *part)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], part))
			return true;
	return argc < 2;
}

int main(int argc, char **argv)
{
	int fd;
	uint32_t h;

	tap_init("t_race");
	catch_faults();
	if (WDC_DriverOpen() || find_bound(EDU_VENDOR, EDU_DEVICE, edu, 2) < 2) {
		tap_ok(false, "needs two bound edu devices");
		return tap_done();
	}
	if (WD_Open(&fd) || reg(fd, edu[0], 0, &h)) {
		tap_ok(false, "register edu");
		return tap_done();
	}
	if (want(argc, argv, "1"))
		test_dma_mmap_race(fd, h);
	unreg(fd, h);
	if (want(argc, argv, "2"))
		test_bar_mmap_race(fd);
	close(fd);
	if (want(argc, argv, "5"))
		test_register_undo();
	if (want(argc, argv, "14"))
		test_cleanup_last_owner();
	if (want(argc, argv, "4"))
		test_abba();	/* last: on a broken agent it leaves a stuck process */
	return tap_done();
}
