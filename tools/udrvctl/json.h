/* SPDX-License-Identifier: MIT */
/*
 * json.h - the little JSON writer behind udrvctl's --json output: one
 * member per line, two-space indents, strings escaped (host unit-tested).
 */
#ifndef UDRVCTL_JSON_H
#define UDRVCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define CTL_JSON_DEPTH 8

struct ctl_json {
	FILE *f;
	int depth;
	bool empty[CTL_JSON_DEPTH];	/* nothing written yet at that depth */
};

void cj_init(struct ctl_json *j, FILE *f);
/* key: the member's name inside an object, NULL inside an array. */
void cj_obj(struct ctl_json *j, const char *key);
void cj_arr(struct ctl_json *j, const char *key);
void cj_end(struct ctl_json *j, char close);	/* '}' or ']' */
void cj_str(struct ctl_json *j, const char *key, const char *v);
void cj_u64(struct ctl_json *j, const char *key, uint64_t v);
void cj_bool(struct ctl_json *j, const char *key, bool v);
void cj_null(struct ctl_json *j, const char *key);
/* A string "0x..." of at least `digits` hex digits (64-bit safe). */
void cj_hex(struct ctl_json *j, const char *key, uint64_t v, int digits);

#endif /* UDRVCTL_JSON_H */
