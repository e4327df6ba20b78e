/* outfile.h: write an output file safely: through an unpredictable
 * temporary name beside it, renamed into place, never following a
 * symbolic link and never replacing what is not a regular file. */
#ifndef KEYAUDIT_OUTFILE_H
#define KEYAUDIT_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

struct outfile;

/* The mode of every new output file (reports, pages, metrics), whatever
 * the umask: they hold no secret, only fingerprints, and node_exporter
 * reads the metrics as another user.  A file replaced keeps its own
 * mode, so "chmod 640" once keeps a report private.  docs/security.md
 * and docs/reports.md say the same (tests/cli/filemodes.sh). */
#define OUTFILE_MODE 0644

/* Open path for writing.  NULL or "-" is standard output.  An existing
 * target that is not a regular file (a FIFO, a device such as
 * /dev/null) is opened and written in place, never replaced; the open
 * is bounded: a FIFO that nobody reads within 3 seconds is refused.  A
 * target that is a symbolic link is refused: the link is not followed, nor
 * replaced.  Otherwise a new file is created exclusively (O_EXCL,
 * O_NOFOLLOW) under a random name in path's directory, with the mode of
 * the target it replaces or OUTFILE_MODE, and renamed over path
 * by outfile_close().  Return the handle, or NULL with "PATH: reason" in
 * err.  *f is the stream to write (owned by the handle). */
struct outfile *outfile_open(const char *path, FILE **f, char *err,
			     size_t errlen);

/* Finish: flush and check the stream; when failed is 0 and every write
 * succeeded, rename the temporary file into place, else remove it.  The
 * handle is freed (NULL does nothing and returns 0).  Return 0, or -1
 * with "PATH: reason" in err (left alone when failed was set). */
int outfile_close(struct outfile *o, int failed, char *err, size_t errlen);

/* Flush standard output and check that every write to it succeeded
 * (a full disk, a closed pipe).  Return 0, or -1 with the reason in
 * err. */
int outfile_check_stdout(char *err, size_t errlen);

#endif
