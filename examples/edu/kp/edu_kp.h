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
