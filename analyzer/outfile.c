/* outfile.c: output files written through exclusive temporary files. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

struct outfile {
	FILE *f;
	char *path;
	char *tmp; /* NULL: written in place (stdout, a FIFO, a device) */
};

static int fail(const char *path, char *err, size_t errlen, int e)
{
	snprintf(err, errlen, "%s: %s", path, strerror(e));
	return -1;
}

/* A name beside path that nobody can guess: 16 random hex digits. */
static char *temp_name(const char *path)
{
	unsigned char r[8];
	char hex[sizeof(r) * 2 + 1];
	size_t n = strlen(path) + sizeof(hex) + 8;
	char *tmp = xmalloc(n);

	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(hex, sizeof(hex), r, sizeof(r));
	snprintf(tmp, n, "%s.%s.tmp", path, hex);
	return tmp;
}

/* The mode of a new file: the target's, or OUTFILE_MODE. */
static mode_t new_mode(const struct stat *st, int exists)
{
	return exists ? st->st_mode & 07777 : OUTFILE_MODE;
}

/* Create a fresh temporary file beside path; return its fd or -1. */
static int create_temp(struct outfile *o, mode_t mode)
{
	for (int tries = 0; tries < 8; tries++) {
		int fd;

		free(o->tmp);
		o->tmp = temp_name(o->path);
		fd = open(o->tmp,
			  O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			  mode);
		if (fd >= 0) {
			/* the mode asked for, whatever the umask */
			fchmod(fd, mode);
			return fd;
		}
		if (errno != EEXIST)
			return -1;
	}
	return -1;
}

static struct outfile *open_fd(struct outfile *o, int fd, FILE **f, char *err,
			       size_t errlen)
{
	int e;

	o->f = fdopen(fd, "w");
	if (o->f) {
		*f = o->f;
		return o;
	}
	e = errno;
	close(fd);
	if (o->tmp)
		unlink(o->tmp);
	fail(o->path, err, errlen, e);
	free(o->tmp);
	free(o->path);
	free(o);
	return NULL;
}

/* How long a FIFO's reader is waited for, in steps of 50 ms: a reader
 * started at the same time comes in well under that. */
#define FIFO_WAIT_STEPS 60

/* Open a FIFO or a device, written in place, never replaced.  The open
 * is bounded: a FIFO that nobody reads after FIFO_WAIT_STEPS is refused
 * (a plain open would block until a reader came, maybe for ever); once
 * open, writes block as usual.  Return the fd, or -1 with the reason. */
static int open_in_place(const char *path, char *err, size_t errlen)
{
	int fd = -1;
	int fl;

	for (int i = 0; i <= FIFO_WAIT_STEPS; i++) {
		fd =
		    open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0 || errno != ENXIO)
			break;
		if (i < FIFO_WAIT_STEPS)
			usleep(50 * 1000);
	}
	if (fd < 0 && errno == ENXIO) {
		snprintf(err, errlen,
			 "%s: a FIFO that nobody reads (waited 3 s); not "
			 "written",
			 path);
		return -1;
	}
	if (fd < 0) {
		fail(path, err, errlen, errno);
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		fail(path, err, errlen, errno);
		close(fd);
		return -1;
	}
	return fd;
}

struct outfile *outfile_open(const char *path, FILE **f, char *err,
			     size_t errlen)
{
	struct outfile *o = xcalloc(1, sizeof(*o));
	struct stat st;
	int exists;
	int fd;

	if (!path || strcmp(path, "-") == 0) {
		o->f = stdout;
		o->path = xstrdup("standard output");
		*f = stdout;
		return o;
	}
	o->path = xstrdup(path);
	exists = lstat(path, &st) == 0;
	if (exists && S_ISLNK(st.st_mode)) {
		snprintf(err, errlen,
			 "%s: is a symbolic link; not written (give the file "
			 "it points to)",
			 path);
		fd = -1;
	} else if (exists && !S_ISREG(st.st_mode)) {
		fd = open_in_place(path, err, errlen);
	} else {
		fd = create_temp(o, new_mode(&st, exists));
		if (fd < 0)
			fail(path, err, errlen, errno);
	}
	if (fd < 0) {
		free(o->tmp);
		free(o->path);
		free(o);
		return NULL;
	}
	return open_fd(o, fd, f, err, errlen);
}

int outfile_check_stdout(char *err, size_t errlen)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int e = errno ? errno : EIO;

		snprintf(err, errlen, "standard output: write failed: %s",
			 strerror(e));
		return -1;
	}
	return 0;
}

/* Close o's stream; return 0 or the errno of the first failure. */
static int close_stream(struct outfile *o)
{
	int e = 0;

	errno = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		e = errno ? errno : EIO;
	if (o->tmp && e == 0 && fsync(fileno(o->f)) != 0 && errno != EINVAL)
		e = errno;
	if (o->f != stdout && fclose(o->f) != 0 && e == 0)
		e = errno ? errno : EIO;
	return e;
}

int outfile_close(struct outfile *o, int failed, char *err, size_t errlen)
{
	int rc = 0;
	int e;

	if (!o)
		return 0;
	e = close_stream(o);
	if (e && !failed)
		snprintf(err, errlen, "%s: write failed: %s", o->path,
			 strerror(e));
	if (!e && !failed && o->tmp && rename(o->tmp, o->path) != 0) {
		e = errno;
		fail(o->path, err, errlen, e);
	}
	if ((e || failed) && o->tmp)
		unlink(o->tmp);
	if (e || failed)
		rc = -1;
	free(o->tmp);
	free(o->path);
	free(o);
	return rc;
}
