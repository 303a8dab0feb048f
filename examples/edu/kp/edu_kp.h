/* SPDX-License-Identifier: MIT */
/*
 * edu_kp.h - the messages between the edu sample application and its
 * Kernel PlugIn.  Both sides include it; the KP side through kp.h only,
 * so this file uses nothing but the fixed-width types both builds have.
 */
#ifndef EDU_KP_H
#define EDU_KP_H

#define EDU_KP_NAME		"edu_kp"
/* The layout of these messages; the KP refuses to open for another. */
#define EDU_KP_LAYOUT		1

enum edu_kp_msg {
	EDU_KP_MSG_VERSION = 1,	/* struct edu_kp_version */
	EDU_KP_MSG_READ,	/* struct edu_kp_reg: value = BAR0[offset] */
	EDU_KP_MSG_WRITE,	/* struct edu_kp_reg: BAR0[offset] = value */
	EDU_KP_MSG_FACTORIAL,	/* struct edu_kp_fact: the device computes */
	EDU_KP_MSG_CHECKSUM,	/* struct edu_kp_sum + count words */
	EDU_KP_MSG_READS,	/* struct edu_kp_reads: many register reads */
	EDU_KP_MSG_STATS,	/* struct edu_kp_stats */
	EDU_KP_MSG_NOP,		/* nothing: the cost of a call itself */
	EDU_KP_MSG_INT_STATS,	/* struct edu_kp_int_stats */
	EDU_KP_MSG_PINGPONG,	/* struct edu_kp_pingpong: interrupts enabled */
	EDU_KP_MSG_DMA,		/* struct edu_kp_dma: interrupts enabled */
	EDU_KP_MSG_INT_CFG,	/* struct edu_kp_int_cfg, while enabled */
};

/* call->result */
enum edu_kp_result {
	EDU_KP_OK = 0,
	EDU_KP_BAD_SIZE,	/* the message is shorter than it says */
	EDU_KP_UNKNOWN_MSG,
	EDU_KP_TIMEOUT,		/* the device did not finish in time */
	EDU_KP_DEVICE_ERROR,	/* an accessor failed (see the kernel log) */
	EDU_KP_BUSY,		/* another factorial is running: try again */
};

struct edu_kp_open {
	uint32_t layout;	/* EDU_KP_LAYOUT */
};

struct edu_kp_version {
	uint32_t version;
	char text[28];
};

struct edu_kp_reg {
	uint32_t offset;
	uint32_t value;
};

struct edu_kp_fact {
	uint32_t n;
	uint32_t result;
};

struct edu_kp_sum {
	uint32_t count;		/* words that follow */
	uint32_t sum;		/* out */
	uint32_t words[];
};

#define EDU_KP_MAX_READS	100000

struct edu_kp_reads {
	uint32_t count;		/* at most EDU_KP_MAX_READS */
	uint32_t last;		/* out: the last value read */
};

struct edu_kp_stats {
	uint32_t opens;		/* since the KP was loaded */
	uint32_t closes;
	uint32_t calls;		/* on this handle */
};

/*
 * funcIntEnable's data (none: EDU_KP_INT_COUNT, every 1), or, since
 * WDC_IntEnable passes none, EDU_KP_MSG_INT_CFG once enabled.
 */
enum edu_kp_int_mode {
	EDU_KP_INT_COUNT = 0,	/* acknowledge; wake user mode every Nth */
	EDU_KP_INT_NOACK,	/* a broken KP: never acknowledges (tests) */
};

struct edu_kp_int_cfg {
	uint32_t mode;		/* enum edu_kp_int_mode */
	uint32_t every;		/* EDU_KP_INT_COUNT: wake-up per N; 0 = 1 */
};

struct edu_kp_int_stats {
	uint32_t handled;	/* interrupts acknowledged (funcIntAtIrql*) */
	uint32_t dpcs;		/* funcIntAtDpc* calls */
	uint32_t dpc_sum;	/* the counts they were given, summed */
	uint32_t wakes;		/* what they returned, summed */
	uint32_t pongs;		/* of the current or last ping-pong */
	uint32_t dma_done;	/* transfers completed by the handler */
	uint32_t int_disables;	/* funcIntDisable calls, every handle */
	uint32_t bad_closes;	/* funcClose with interrupts on: must be 0 */
	uint32_t pad;
	uint64_t irql_ns;	/* kp_time_ns() at the last funcIntAtIrql* */
};

/*
 * Ping-pong: the handler raises the next interrupt itself until `target`
 * (0: until interrupts are disabled), then wakes user mode once.
 */
struct edu_kp_pingpong {
	uint32_t target;
};

/*
 * src -> edu's buffer -> dst by edu's DMA engine, both buffers locked by
 * the application (by handle); the second leg starts from the first one's
 * DMA-done interrupt and the last one wakes user mode.  `status` is
 * WDC_DMABufGet's when result is EDU_KP_DEVICE_ERROR.
 */
#define EDU_KP_DMA_MAX		4096	/* edu's own buffer */

struct edu_kp_dma {
	uint32_t hdma_src;
	uint32_t hdma_dst;
	uint32_t bytes;		/* <= EDU_KP_DMA_MAX */
	uint32_t status;	/* out */
};

/* Fletcher-style: order matters, so a swapped pair is caught. */
static inline uint32_t edu_kp_checksum(const uint32_t *w, uint32_t n)
{
	uint32_t a = 1, b = 0, i;

	for (i = 0; i < n; i++) {
		a = (a + w[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

#endif /* EDU_KP_H */
