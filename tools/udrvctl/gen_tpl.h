/* SPDX-License-Identifier: MIT */
/*
 * gen_tpl.h - udrvctl gen's templates, embedded at build time from
 * the files tools/udrvctl/gen/NAME.in (by gen/embed.awk), and their renderer.
 *
 * Template syntax, kept small so the templates read as the code they make:
 *   @KEY@          replaced by the value of KEY (an unknown key is an error;
 *                  KEY is [A-Z0-9_]+, any other '@' is text: make's $@)
 *   @if KEY        (alone on a line) the lines up to the matching @else or
 *   @else           @endif are kept only if KEY's value is non-empty and not
 *   @endif          "0"; they nest
 */
#ifndef UDRVCTL_GEN_TPL_H
#define UDRVCTL_GEN_TPL_H

#include <stdio.h>

struct gen_tpl {
	const char *name;	/* the file name without ".in" */
	const char *text;
};

/* Ends with { NULL, NULL }. */
extern const struct gen_tpl gen_tpls[];

#define GEN_MAX_VARS	64

struct gen_vars {
	unsigned int n;
	char *key[GEN_MAX_VARS];
	char *val[GEN_MAX_VARS];
};

/* Sets (or replaces) KEY; 0 or -1 (out of memory, too many). */
int gen_set(struct gen_vars *v, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void gen_vars_free(struct gen_vars *v);

/* The template's text, NULL if there is none of that name. */
const char *gen_tpl_find(const char *name);

/*
 * Renders template NAME into `out`; 0, or -1 with the reason in err
 * (unknown template or key, unbalanced @if).
 */
int gen_render(FILE *out, const char *name, const struct gen_vars *v,
	       char *err, size_t errlen);
/* The same from a text of one's own (name: for the messages). */
int gen_render_text(FILE *out, const char *name, const char *text,
		    const struct gen_vars *v, char *err, size_t errlen);
/* The same into a malloc'd string (NULL on error, reason in err). */
char *gen_render_str(const char *name, const struct gen_vars *v, char *err,
		     size_t errlen);

#endif /* UDRVCTL_GEN_TPL_H */
