// SPDX-License-Identifier: MIT
/*
 * runas - become a user of the guest's /etc/passwd, with the groups
 * /etc/group lists it in (what login does through initgroups), and run a
 * command; tests/vm/t_install.sh uses it for a member of group udrv and a
 * user outside it.  Static, so no NSS: the two files are read here.
 *
 *   runas USER -- COMMAND [ARGS]   exec COMMAND as USER
 *   runas USER --wd-open           WD_Open as USER: prints "ok", or the
 *                                  status's name (WD_ACCESS_DENIED) or
 *                                  number and the library's message;
 *                                  exit 0 only on success
 */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <udrv/wdc.h>

#define MAX_GROUPS 32

/* The colon-separated field `n` of `line`, in place. */
static char *field(char *line, int n)
{
	char *p = line, *end;

	while (n-- > 0) {
		p = strchr(p, ':');
		if (!p)
			return NULL;
		p++;
	}
	end = strpbrk(p, ":\n");
	if (end)
		*end = '\0';
	return p;
}

static bool find_user(const char *user, uid_t *uid, gid_t *gid)
{
	char line[512], f0[512];
	FILE *f = fopen("/etc/passwd", "r");
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f)) {
		memcpy(f0, line, sizeof(line));
		if (strcmp(field(f0, 0), user))
			continue;
		memcpy(f0, line, sizeof(line));
		*uid = (uid_t)strtoul(field(f0, 2), NULL, 10);
		memcpy(f0, line, sizeof(line));
		*gid = (gid_t)strtoul(field(f0, 3), NULL, 10);
		found = true;
	}
	if (f)
		fclose(f);
	return found;
}

/* The groups whose member list (field 3) names `user`. */
static int member_groups(const char *user, gid_t *gids, int n)
{
	char line[512], copy[512], *m, *tok, *save;
	FILE *f = fopen("/etc/group", "r");

	while (f && n < MAX_GROUPS && fgets(line, sizeof(line), f)) {
		memcpy(copy, line, sizeof(line));
		m = field(copy, 3);
		for (tok = m ? strtok_r(m, ",", &save) : NULL; tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (strcmp(tok, user))
				continue;
			memcpy(copy, line, sizeof(line));
			gids[n++] = (gid_t)strtoul(field(copy, 2), NULL, 10);
			break;
		}
	}
	if (f)
		fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	gid_t gids[MAX_GROUPS];
	uid_t uid;
	gid_t gid;
	uint32_t st;
	int n, h;

	if (argc < 3 || (strcmp(argv[2], "--wd-open") &&
			 (strcmp(argv[2], "--") || argc < 4))) {
		fprintf(stderr, "usage: runas USER -- COMMAND [ARGS] | runas USER --wd-open\n");
		return 2;
	}
	if (!find_user(argv[1], &uid, &gid)) {
		fprintf(stderr, "runas: no user %s in /etc/passwd\n", argv[1]);
		return 2;
	}
	gids[0] = gid;
	n = member_groups(argv[1], gids, 1);
	if (setgroups(n, gids) || setgid(gid) || setuid(uid)) {
		perror("runas");
		return 2;
	}
	if (!strcmp(argv[2], "--")) {
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		return 127;
	}
	st = WD_Open(&h);
	if (st == WD_STATUS_SUCCESS) {
		puts("ok");
		WD_Close(h);
		return 0;
	}
	if (st == WD_ACCESS_DENIED)
		printf("WD_ACCESS_DENIED: %s\n", WDC_GetLastErrStr());
	else
		printf("status %u (%s): %s\n", st, WD_StatusToStr(st),
		       WDC_GetLastErrStr());
	return 1;
}
