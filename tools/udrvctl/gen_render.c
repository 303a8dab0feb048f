// SPDX-License-Identifier: MIT
/*
 * gen_render.c - udrvctl gen's template renderer: @KEY@ substitution and
 * @if/@else/@endif lines (syntax in gen_tpl.h).  Deliberately tiny: the
 * templates stay plain C, Makefile and Markdown that read as the files
 * they produce.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gen_tpl.h"

#define GEN_MAX_DEPTH	8

int gen_set(struct gen_vars *v, const char *key, const char *fmt, ...)
{
	char *val = NULL;
	va_list ap;
	unsigned int i;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&val, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	for (i = 0; i < v->n; i++)
		if (!strcmp(v->key[i], key)) {
			free(v->val[i]);
			v->val[i] = val;
			return 0;
		}
	if (v->n == GEN_MAX_VARS || !(v->key[v->n] = strdup(key))) {
		free(val);
		return -1;
	}
	v->val[v->n++] = val;
	return 0;
}

void gen_vars_free(struct gen_vars *v)
{
	unsigned int i;

	for (i = 0; i < v->n; i++) {
		free(v->key[i]);
		free(v->val[i]);
	}
	v->n = 0;
}

static const char *lookup(const struct gen_vars *v, const char *key,
			  size_t len)
{
	unsigned int i;

	for (i = 0; i < v->n; i++)
		if (strlen(v->key[i]) == len && !strncmp(v->key[i], key, len))
			return v->val[i];
	return NULL;
}

const char *gen_tpl_find(const char *name)
{
	const struct gen_tpl *t;

	for (t = gen_tpls; t->name; t++)
		if (!strcmp(t->name, name))
			return t->text;
	return NULL;
}

/* "@if KEY", "@else", "@endif": the directive's kind, 0 if none. */
static int directive(const char *line, size_t len, const char **arg,
		     size_t *arglen)
{
	if (len > 4 && !strncmp(line, "@if ", 4)) {
		*arg = line + 4;
		*arglen = len - 4;
		return 'i';
	}
	if (len == 5 && !strncmp(line, "@else", 5))
		return 'e';
	if (len == 6 && !strncmp(line, "@endif", 6))
		return 'n';
	return 0;
}

/* KEY: upper-case letters, digits and '_' (anything else is text). */
static bool is_key(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return len > 0;
}

/* One line without its newline; @KEY@ must be a known key. */
static int subst(FILE *out, const char *line, size_t len,
		 const struct gen_vars *v, char *err, size_t errlen)
{
	const char *p = line, *end = line + len, *at, *close, *val;

	while (p < end) {
		at = memchr(p, '@', end - p);
		if (!at) {
			fwrite(p, 1, end - p, out);
			break;
		}
		fwrite(p, 1, at - p, out);
		close = memchr(at + 1, '@', end - at - 1);
		if (!close || !is_key(at + 1, close - at - 1)) {
			fputc('@', out);	/* make's $@, an address: text */
			p = at + 1;
			continue;
		}
		val = lookup(v, at + 1, close - at - 1);
		if (!val) {
			snprintf(err, errlen, "unknown template key in '%.*s'",
				 (int)len, line);
			return -1;
		}
		fputs(val, out);
		p = close + 1;
	}
	return 0;
}

int gen_render(FILE *out, const char *name, const struct gen_vars *v,
	       char *err, size_t errlen)
{
	const char *text = gen_tpl_find(name);

	if (!text) {
		snprintf(err, errlen, "no template '%s'", name);
		return -1;
	}
	return gen_render_text(out, name, text, v, err, errlen);
}

int gen_render_text(FILE *out, const char *name, const char *text,
		    const struct gen_vars *v, char *err, size_t errlen)
{
	const char *p, *nl, *arg, *val;
	bool keep[GEN_MAX_DEPTH + 1] = { true };
	size_t len, arglen;
	int depth = 0;

	for (p = text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		len = nl - p;
		switch (directive(p, len, &arg, &arglen)) {
		case 'i':
			if (depth == GEN_MAX_DEPTH)
				goto unbalanced;
			val = lookup(v, arg, arglen);
			if (!val) {
				snprintf(err, errlen, "%s: @if of an unknown key '%.*s'",
					 name, (int)arglen, arg);
				return -1;
			}
			depth++;
			keep[depth] = keep[depth - 1] && *val && strcmp(val, "0");
			break;
		case 'e':
			if (!depth)
				goto unbalanced;
			keep[depth] = keep[depth - 1] && !keep[depth];
			break;
		case 'n':
			if (!depth)
				goto unbalanced;
			depth--;
			break;
		default:
			if (!keep[depth])
				break;
			if (subst(out, p, len, v, err, errlen))
				return -1;
			if (*nl)
				fputc('\n', out);
		}
		if (!*nl)
			break;
	}
	if (!depth)
		return 0;
unbalanced:
	snprintf(err, errlen, "%s: unbalanced @if/@else/@endif", name);
	return -1;
}

char *gen_render_str(const char *name, const struct gen_vars *v, char *err,
		     size_t errlen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	rc = gen_render(f, name, v, err, errlen);
	if (fclose(f) || rc) {
		free(buf);
		return NULL;
	}
	return buf;
}
