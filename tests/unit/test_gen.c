// SPDX-License-Identifier: MIT
/*
 * udrvctl gen's parts without a device: the template renderer (keys,
 * @if/@else/@endif nesting, errors), the description file (round trip,
 * errors), and that every embedded template renders with the keys
 * gen_project sets (t_gen.sh then compiles what they make).
 */
#include <stdlib.h>
#include "tap.h"
#include "../../tools/udrvctl/gen.h"
#include "../../tools/udrvctl/gen_tpl.h"

static char *render(const char *text, const struct gen_vars *v, int *rc)
{
	char *buf = NULL, err[200] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*rc = gen_render_text(f, "test", text, v, err, sizeof(err));
	fclose(f);
	if (*rc)
		printf("# %s\n", err);
	return buf;
}

static void renders(const char *text, const struct gen_vars *v,
		    const char *want, const char *what)
{
	int rc;
	char *got = render(text, v, &rc);

	ok(!rc && !strcmp(got, want), "%s", what);
	if (rc || strcmp(got, want))
		printf("# got '%s', want '%s'\n", got, want);
	free(got);
}

static void fails(const char *text, const struct gen_vars *v,
		  const char *what)
{
	int rc;

	free(render(text, v, &rc));
	ok(rc == -1, "%s", what);
}

static void test_render(void)
{
	struct gen_vars v = { 0 };

	gen_set(&v, "NAME", "dev");
	gen_set(&v, "ON", "1");
	gen_set(&v, "OFF", "0");
	gen_set(&v, "EMPTY", "%s", "");
	renders("a @NAME@_x @NAME@\n", &v, "a dev_x dev\n", "@KEY@ replaced, twice on a line");
	renders("$@ a@b.c $(@:x=y)\n", &v, "$@ a@b.c $(@:x=y)\n",
		"'@' not around a KEY is text (make's $@, addresses)");
	renders("@if ON\nyes\n@else\nno\n@endif\n", &v, "yes\n", "@if true");
	renders("@if OFF\nyes\n@else\nno\n@endif\n", &v, "no\n", "@if \"0\": the @else part");
	renders("@if EMPTY\nyes\n@endif\nend\n", &v, "end\n", "@if \"\" is false");
	renders("@if ON\na\n@if OFF\nb\n@else\nc\n@endif\nd\n@endif\n", &v,
		"a\nc\nd\n", "nested @if inside a true one");
	renders("@if OFF\na\n@if ON\nb\n@else\nc\n@endif\n@endif\ne\n", &v,
		"e\n", "nested @if/@else inside a false one: nothing");
	gen_set(&v, "NAME", "other");
	renders("@NAME@\n", &v, "other\n", "gen_set replaces a key");
	fails("@MISSING@\n", &v, "an unknown key is an error");
	fails("@if MISSING\nx\n@endif\n", &v, "@if of an unknown key is an error");
	fails("@if ON\nx\n", &v, "@if without @endif is an error");
	fails("@endif\n", &v, "@endif without @if is an error");
	fails("@else\n", &v, "@else without @if is an error");
	gen_vars_free(&v);
}

static const char edu_desc[] =
	"# a comment\n"
	"id 1234:11e8\n"
	"bar 2 io 32\n"
	"bar 0 mem 0x100000 64-bit prefetchable   # comment\n"
	"intx no\nmsi 0\nmsix 5\n";

static void test_desc(void)
{
	struct gen_desc d, d2;
	char err[200] = "", *buf = NULL;
	size_t len = 0;
	FILE *f = fmemopen((void *)edu_desc, strlen(edu_desc), "r");
	int rc = gen_desc_read(f, &d, err, sizeof(err));

	fclose(f);
	ok(!rc && d.vendor == 0x1234 && d.device == 0x11e8 &&
	   d.num_bars == 2 && d.bar[0].index == 0 && d.bar[0].is64 &&
	   d.bar[0].prefetch && d.bar[0].size == 0x100000 &&
	   d.bar[1].index == 2 && d.bar[1].io && d.bar[1].size == 32 &&
	   !d.intx && d.msi == 0 && d.msix == 5,
	   "description read, BARs in BAR order (%s)", err);
	f = open_memstream(&buf, &len);
	gen_desc_write(f, &d);
	fclose(f);
	f = fmemopen(buf, len, "r");
	rc = gen_desc_read(f, &d2, err, sizeof(err));
	fclose(f);
	ok(!rc && !memcmp(&d, &d2, sizeof(d)), "written and read back: the same");
	free(buf);

	static const struct {
		const char *text, *what;
	} bad[] = {
		{ "bar 0 mem 4096\n", "no id line" },
		{ "id 1234\n", "id without device" },
		{ "id 1234:11e8\nbar 6 mem 4096\n", "BAR 6" },
		{ "id 1234:11e8\nbar 0 mem 0\n", "BAR of size 0" },
		{ "id 1234:11e8\nbar 0 rom 4096\n", "BAR neither mem nor io" },
		{ "id 1234:11e8\nbar 0 mem 4096 fast\n", "unknown BAR attribute" },
		{ "id 1234:11e8\nbar 0 mem 4096\nbar 0 io 8\n", "a BAR twice" },
		{ "id 1234:11e8\nintx maybe\n", "intx neither yes nor no" },
		{ "id 1234:11e8\nmsi -1\n", "msi not a number" },
		{ "id 1234:11e8\nirq 5\n", "an unknown line" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = fmemopen((void *)bad[i].text, strlen(bad[i].text), "r");
		rc = gen_desc_read(f, &d, err, sizeof(err));
		fclose(f);
		ok(rc == -1, "description refused: %s (%s)", bad[i].what, err);
	}
}

int main(void)
{
	const struct gen_tpl *t;
	unsigned int n = 0;

	test_render();
	test_desc();
	for (t = gen_tpls; t->name; t++)
		n++;
	ok(n >= 13 && gen_tpl_find("kp.c") && gen_tpl_find("Makefile") &&
	   !gen_tpl_find("nope"), "%u templates embedded", n);
	printf("1..%d\n", tap_count);
	return tap_failed != 0;
}
