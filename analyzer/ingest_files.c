/* ingest_files.c: the files an ingest run reads: each path given, a
 * directory's regular files in name order (--include, --exclude), and
 * their sizes for the progress line; what is not read is said. */
#include "ingest_int.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "msg.h"

static void add_path(struct pool *p, const char *path, uint64_t size)
{
	p->paths =
	    xrealloc(p->paths, (size_t)(p->npaths + 1) * sizeof(*p->paths));
	p->sizes =
	    xrealloc(p->sizes, (size_t)(p->npaths + 1) * sizeof(*p->sizes));
	p->sizes[p->npaths] = size;
	p->paths[p->npaths++] = xstrdup(path);
	p->total_bytes += size;
}

/* Is a directory's file called name to be read (--include, --exclude)? */
static int picked(const struct config *cfg, const char *name)
{
	int in = cfg->ninclude == 0;

	for (int i = 0; i < cfg->ninclude && !in; i++)
		in = fnmatch(cfg->include[i], name, 0) == 0;
	for (int i = 0; i < cfg->nexclude && in; i++)
		in = fnmatch(cfg->exclude[i], name, 0) != 0;
	return in;
}

/* Is the directory entry path, of stat sb, a file to read?  Say why
 * not when it is not: nothing in a directory is passed over unsaid. */
static int readable_entry(const char *path, const struct stat *sb)
{
	if (S_ISREG(sb->st_mode))
		return 1;
	if (S_ISDIR(sb->st_mode))
		err("%s: a directory, not read (give it as a path, or "
		    "--exclude it)",
		    path);
	else
		err("%s: not a regular file, not read (--exclude it)", path);
	return 0;
}

/* A directory's regular files, in name order, hidden ones skipped;
 * every other entry --include and --exclude pick (a subdirectory, a
 * fifo, a dangling link, a name too long) is said and counted in
 * *unread.  Return -1 if the directory could not be read, else the
 * number of entries picked. */
static int add_dir(struct pool *p, const struct config *cfg, const char *dir,
		   uint64_t *unread)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	int picks = 0;

	if (n < 0) {
		err("%s: cannot read directory: %s", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat sb;
		const char *name = names[i]->d_name;
		int len;

		if (name[0] == '.' || !picked(cfg, name)) {
			free(names[i]);
			continue;
		}
		picks++;
		len = snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (len < 0 || (size_t)len >= sizeof(path)) {
			err("%s/%.64s...: path too long, not read", dir, name);
			(*unread)++;
		} else if (stat(path, &sb) != 0) {
			err("%s: cannot stat: %s", path, strerror(errno));
			(*unread)++;
		} else if (readable_entry(path, &sb)) {
			add_path(p, path, (uint64_t)sb.st_size);
		} else {
			(*unread)++;
		}
		free(names[i]);
	}
	free(names);
	return picks;
}

/* Every file to read, in *unread the directory entries not read and in
 * *absent the paths that give no input at all, a missing path or a
 * directory with no file to read (said); return -1 if a directory could
 * not be read. */
int ingest_collect(struct pool *p, const struct config *cfg, uint64_t *unread,
		   uint64_t *absent)
{
	int rc = 0;

	for (int i = 0; i < cfg->npaths; i++) {
		struct stat sb;
		const char *path = cfg->paths[i];
		int stdin_ = strcmp(path, "-") == 0;
		int found = !stdin_ && stat(path, &sb) == 0;
		int picks;

		if (!stdin_ && !found && errno == ENOENT) {
			err("%s: no such file or directory: no input", path);
			(*absent)++;
		} else if (found && S_ISDIR(sb.st_mode)) {
			picks = add_dir(p, cfg, path, unread);
			if (picks == 0) {
				err("%s: no file to read (an empty directory, "
				    "or none that --include picks): no input",
				    path);
				(*absent)++;
			}
			rc |= picks < 0 ? -1 : 0;
		} else
			add_path(p, path,
				 found && S_ISREG(sb.st_mode)
				     ? (uint64_t)sb.st_size
				     : 0);
	}
	return rc;
}
