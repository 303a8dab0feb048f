// SPDX-License-Identifier: MIT
/*
 * stats.c: per-call counts (calls, successes, each errno) in memory shared
 * by all worker processes, so a run that never gets past the first
 * validation check shows it.
 */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"

struct fz_stats *fz_st;

static const char *const names[FZ_NOPS] = {
	[OP_VERSION] = "VERSION", [OP_SCAN] = "SCAN",
	[OP_CARD_INFO] = "CARD_INFO", [OP_CONFIG_READ] = "CONFIG_READ",
	[OP_CONFIG_WRITE] = "CONFIG_WRITE", [OP_REGISTER] = "REGISTER",
	[OP_UNREGISTER] = "UNREGISTER", [OP_TRANSFER] = "TRANSFER",
	[OP_MULTI] = "MULTI_TRANSFER", [OP_CLEANUP] = "CLEANUP_SETUP",
	[OP_INT_ENABLE] = "INT_ENABLE", [OP_INT_WAIT] = "INT_WAIT",
	[OP_INT_COUNT] = "INT_COUNT", [OP_INT_DISABLE] = "INT_DISABLE",
	[OP_INT_FD] = "INT_FD", [OP_INTFD_READ] = "read(int fd)",
	[OP_DMA_LOCK_CONTIG] = "DMA_LOCK contig",
	[OP_DMA_LOCK_SG] = "DMA_LOCK sg", [OP_DMA_UNLOCK] = "DMA_UNLOCK",
	[OP_DMA_SYNC] = "DMA_SYNC", [OP_DMA_MASK] = "DMA_MASK",
	[OP_BAD_IOCTL] = "bad ioctl", [OP_MMAP_BAR] = "mmap BAR",
	[OP_MMAP_DMA] = "mmap DMA", [OP_MUNMAP] = "munmap",
	[OP_MREMAP] = "mremap", [OP_MADVISE] = "madvise DONTNEED",
	[OP_TOUCH] = "touch mapping", [OP_FORK] = "fork+touch",
	[OP_REOPEN] = "close+reopen", [OP_UNBIND] = "sysfs unbind",
	[OP_REBIND] = "sysfs bind", [OP_REMOVE] = "sysfs remove",
	[OP_RESCAN] = "sysfs rescan", [OP_KP_OPEN] = "KP_OPEN",
	[OP_KP_CALL] = "KP_CALL", [OP_KP_CLOSE] = "KP_CLOSE",
	[OP_EVENT_REGISTER] = "EVENT_REGISTER", [OP_EVENT_PULL] = "EVENT_PULL",
	[OP_DEBUG_SET] = "DEBUG_SET", [OP_DEBUG_DUMP] = "DEBUG_DUMP",
	[OP_DEBUG_ADD] = "DEBUG_ADD",
	[OP_XLIST_PREPARE] = "XLIST_PREPARE", [OP_XLIST_RUN] = "XLIST_RUN",
	[OP_XLIST_FREE] = "XLIST_FREE",
	[OP_EVENT_UNREGISTER] = "EVENT_UNREGISTER",
};

const char *fz_op_name(enum fz_op op)
{
	return names[op];
}

void fz_count(enum fz_op op, long ret)
{
	atomic_fetch_add_explicit(&fz_st->calls[op], 1, memory_order_relaxed);
	if (ret >= 0)
		atomic_fetch_add_explicit(&fz_st->ok[op], 1,
					  memory_order_relaxed);
	else
		atomic_fetch_add_explicit(
			&fz_st->err[op][-ret < FZ_NERR ? -ret : 0], 1,
			memory_order_relaxed);
}

void fz_print_stats(void)
{
	for (int op = 0; op < FZ_NOPS; op++) {
		char line[1024];
		int n;

		if (!fz_st->calls[op])
			continue;
		n = snprintf(line, sizeof(line), "%-16s calls=%lu ok=%lu",
			     names[op], (unsigned long)fz_st->calls[op],
			     (unsigned long)fz_st->ok[op]);
		for (int e = 0; e < FZ_NERR && n < (int)sizeof(line) - 40; e++) {
			const char *en = e ? strerrorname_np(e) : NULL;

			if (!fz_st->err[op][e])
				continue;
			n += snprintf(line + n, sizeof(line) - n, " %s=%lu",
				      en ? en : "E?",
				      (unsigned long)fz_st->err[op][e]);
		}
		printf("# t_fuzz: %s\n", line);
	}
}
