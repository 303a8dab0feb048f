// SPDX-License-Identifier: MIT
/*
 * json.c - udrvctl's JSON writer.  Addresses go out as "0x..." strings:
 * JSON numbers lose precision above 2^53 in most readers.
 */
#include "json.h"

void cj_init(struct ctl_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->empty[0] = true;
}

static void put_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* The separator, the indent and the key before a value. */
static void member(struct ctl_json *j, const char *key)
{
	int i;

	if (j->depth) {
		fputs(j->empty[j->depth] ? "\n" : ",\n", j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	j->empty[j->depth] = false;
	if (key) {
		put_str(j->f, key);
		fputs(": ", j->f);
	}
}

static void open_(struct ctl_json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < CTL_JSON_DEPTH)
		j->depth++;
	j->empty[j->depth] = true;
}

void cj_obj(struct ctl_json *j, const char *key)
{
	open_(j, key, '{');
}

void cj_arr(struct ctl_json *j, const char *key)
{
	open_(j, key, '[');
}

void cj_end(struct ctl_json *j, char close)
{
	bool empty = j->empty[j->depth];
	int i;

	if (j->depth)
		j->depth--;
	if (!empty) {
		fputc('\n', j->f);
		for (i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(close, j->f);
	if (!j->depth)
		fputc('\n', j->f);
}

void cj_str(struct ctl_json *j, const char *key, const char *v)
{
	member(j, key);
	put_str(j->f, v);
}

void cj_u64(struct ctl_json *j, const char *key, uint64_t v)
{
	member(j, key);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void cj_bool(struct ctl_json *j, const char *key, bool v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void cj_null(struct ctl_json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void cj_hex(struct ctl_json *j, const char *key, uint64_t v, int digits)
{
	member(j, key);
	fprintf(j->f, "\"0x%0*llx\"", digits, (unsigned long long)v);
}
