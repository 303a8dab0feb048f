// SPDX-License-Identifier: MIT
/*
 * gen_project.c - udrvctl gen's output: the template variables derived
 * from the description and the user's options, and which template makes
 * which file of the project.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gen.h"
#include "gen_tpl.h"
#include "parse.h"

/* Which template makes which file: "%s" is the project's name. */
static const struct {
	const char *tpl;
	const char *file;
	bool kp_only;
} files[] = {
	{ "config.h", "%s_config.h", false },
	{ "lib.h", "%s.h", false },
	{ "lib.c", "%s_lib.c", false },
	{ "diag.h", "%s_diag.h", false },
	{ "diag.c", "%s_diag.c", false },
	{ "diag_irq.c", "%s_diag_irq.c", false },
	{ "diag_kp.c", "%s_diag_kp.c", true },
	{ "kp_msg.h", "%s_kp.h", true },
	{ "kp_priv.h", "%s_kp_priv.h", true },
	{ "kp.c", "%s_kp.c", true },
	{ "kp_irq.c", "%s_kp_irq.c", true },
	{ "Makefile", "Makefile", false },
	{ "README.md", "README.md", false },
};

static void bar_kind(const struct gen_bar *b, char *buf, size_t len)
{
	char size[32];

	ctl_fmt_size(b->size, size, sizeof(size));
	if (b->io)
		snprintf(buf, len, "I/O ports, %s", size);
	else
		snprintf(buf, len, "memory, %s, %s, %s", size,
			 b->is64 ? "64-bit" : "32-bit",
			 b->prefetch ? "prefetchable" : "non-prefetchable");
}

static void irq_kinds(const struct gen_desc *d, char *buf, size_t len)
{
	snprintf(buf, len, "INTx %s, MSI %u vector%s, MSI-X %u vector%s",
		 d->intx ? "yes" : "no", d->msi, d->msi == 1 ? "" : "s",
		 d->msix, d->msix == 1 ? "" : "s");
}

/* The device as comment lines (prefix " * ") and as a Markdown list. */
static int summaries(struct gen_vars *v, const struct gen_desc *d)
{
	char *c = NULL, *m = NULL, kind[96];
	size_t clen = 0, mlen = 0;
	FILE *fc = open_memstream(&c, &clen);
	FILE *fm = open_memstream(&m, &mlen);
	uint32_t i;
	int rc = -1;

	if (!fc || !fm)
		goto out;
	for (i = 0; i < d->num_bars; i++) {
		bar_kind(&d->bar[i], kind, sizeof(kind));
		fprintf(fc, " *   BAR%u: %s\n", d->bar[i].index, kind);
		fprintf(fm, "- BAR%u: %s\n", d->bar[i].index, kind);
	}
	if (!d->num_bars) {
		fputs(" *   no BARs\n", fc);
		fputs("- no BARs\n", fm);
	}
	irq_kinds(d, kind, sizeof(kind));
	fprintf(fc, " *   interrupts: %s", kind);
	fprintf(fm, "- interrupts: %s", kind);
	rc = 0;
out:
	if (fc)
		fclose(fc);
	if (fm)
		fclose(fm);
	if (!rc)
		rc = gen_set(v, "SUMMARY", "%s", c) |
		     gen_set(v, "SUMMARY_MD", "%s", m);
	free(c);
	free(m);
	return rc;
}

/* One accessor pair per BAR (lib_bar.h), concatenated. */
static int bar_accessors(struct gen_vars *v, const struct gen_desc *d,
			 char *err, size_t errlen)
{
	char *all = strdup(""), *one, *joined, kind[96];
	uint32_t i;
	int rc = 0;

	for (i = 0; all && i < d->num_bars && !rc; i++) {
		bar_kind(&d->bar[i], kind, sizeof(kind));
		rc = gen_set(v, "N", "%u", d->bar[i].index) |
		     gen_set(v, "BAR_KIND", "%s", kind) |
		     gen_set(v, "BAR_SIZE", "0x%" PRIx64, d->bar[i].size);
		one = rc ? NULL : gen_render_str("lib_bar.h", v, err, errlen);
		if (!one)
			break;
		joined = NULL;
		if (asprintf(&joined, "%s%s%s", all, *all ? "\n" : "", one) < 0)
			joined = NULL;
		free(one);
		free(all);
		all = joined;
	}
	if (!all || i < d->num_bars) {
		if (!all)
			snprintf(err, errlen, "out of memory");
		free(all);
		return -1;
	}
	rc = gen_set(v, "BAR_ACCESSORS", "%s", all);
	free(all);
	return rc;
}

/* The register a --status/--ack names, and how to reach it at IRQ time. */
static int reg_vars(struct gen_vars *v, const char *what,
		    const struct gen_reg *r, const struct gen_desc *d)
{
	const struct gen_bar *b = r->set ? gen_desc_bar(d, r->bar) : NULL;
	char key[32];
	int rc;

	snprintf(key, sizeof(key), "HAVE_%s", what);
	rc = gen_set(v, key, "%d", r->set);
	snprintf(key, sizeof(key), "%s_BAR", what);
	rc |= gen_set(v, key, "%u", r->set ? r->bar : 0);
	snprintf(key, sizeof(key), "%s_OFF", what);
	rc |= gen_set(v, key, "0x%x", r->set ? r->off : 0);
	snprintf(key, sizeof(key), "%s_IO", what);
	rc |= gen_set(v, key, "%d", b && b->io);
	snprintf(key, sizeof(key), "%s_DESC", what);
	if (r->set)
		rc |= gen_set(v, key, "BAR%u + 0x%x", r->bar, r->off);
	else
		rc |= gen_set(v, key, "none");
	return rc;
}

static int set_vars(struct gen_vars *v, const struct gen_desc *d,
		    const struct gen_opts *o, char *err, size_t errlen)
{
	char upper[GEN_NAME_MAX + 1], irqs[96];
	size_t i;
	int rc;

	for (i = 0; o->name[i] && i < GEN_NAME_MAX; i++)
		upper[i] = o->name[i] >= 'a' && o->name[i] <= 'z' ?
			   o->name[i] - 'a' + 'A' : o->name[i];
	upper[i] = '\0';
	irq_kinds(d, irqs, sizeof(irqs));
	rc = gen_set(v, "NAME", "%s", o->name) |
	     gen_set(v, "UNAME", "%s", upper) |
	     gen_set(v, "VID", "0x%04x", d->vendor) |
	     gen_set(v, "DID", "0x%04x", d->device) |
	     gen_set(v, "IDSTR", "%04x:%04x", d->vendor, d->device) |
	     gen_set(v, "KP", "%d", o->kp) |
	     gen_set(v, "INTX", "%d", d->intx) |
	     gen_set(v, "MSI", "%d", d->msi > 0) |
	     gen_set(v, "MSIX", "%d", d->msix > 0) |
	     gen_set(v, "IRQS", "%s", irqs) |
	     gen_set(v, "FIRST_BAR", "%u", d->num_bars ? d->bar[0].index : 0) |
	     gen_set(v, "CMDLINE", "%s", o->cmdline ? o->cmdline : "udrvctl gen") |
	     reg_vars(v, "STATUS", &o->status, d) |
	     reg_vars(v, "ACK", &o->ack, d) |
	     summaries(v, d);
	if (rc) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return bar_accessors(v, d, err, errlen);
}

/* mkdir -p */
static int make_dir(const char *dir, char *err, size_t errlen)
{
	char path[4096], *p;

	if (strlen(dir) >= sizeof(path)) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	strcpy(path, dir);
	for (p = path + 1; ; p++) {
		if (*p && *p != '/')
			continue;
		bool last = !*p;

		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			return -1;
		}
		if (last)
			return 0;
		*p = '/';
	}
}

/* Opens dir/file for writing; an existing file only with force. */
static FILE *create(const char *dir, const char *file, bool force, char *err,
		    size_t errlen)
{
	char path[4200];
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | (force ? 0 : O_EXCL),
		  0644);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s%s", path, strerror(errno),
			 errno == EEXIST ? " (--force overwrites)" : "");
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	}
	return f;
}

static int finish(FILE *f, int rc, const char *file, char *err,
		  size_t errlen)
{
	if (fclose(f) && !rc) {
		snprintf(err, errlen, "%s: %s", file, strerror(errno));
		return -1;
	}
	return rc;
}

static int write_desc(const char *dir, const struct gen_desc *d,
		      const struct gen_opts *o, bool force, char *err,
		      size_t errlen)
{
	char file[64];
	FILE *f;

	snprintf(file, sizeof(file), "%s.desc", o->name);
	f = create(dir, file, force, err, errlen);
	if (!f)
		return -1;
	fprintf(f, "# What the udrv agent reported of the device; udrvctl gen --from reads it.\n");
	gen_desc_write(f, d);
	return finish(f, 0, file, err, errlen);
}

int gen_project(const char *dir, const struct gen_desc *d,
		const struct gen_opts *o, bool force, char *err,
		size_t errlen)
{
	struct gen_vars v = { 0 };
	char file[64];
	size_t i;
	FILE *f;
	int rc;

	rc = set_vars(&v, d, o, err, errlen);
	if (!rc)
		rc = make_dir(dir, err, errlen);
	if (!rc)
		rc = write_desc(dir, d, o, force, err, errlen);
	for (i = 0; !rc && i < sizeof(files) / sizeof(files[0]); i++) {
		if (files[i].kp_only && !o->kp)
			continue;
		snprintf(file, sizeof(file), files[i].file, o->name);
		f = create(dir, file, force, err, errlen);
		if (!f) {
			rc = -1;
			break;
		}
		rc = finish(f, gen_render(f, files[i].tpl, &v, err, errlen),
			    file, err, errlen);
	}
	gen_vars_free(&v);
	return rc;
}
