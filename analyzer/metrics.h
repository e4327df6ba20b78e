/* metrics.h: Prometheus text metrics of a run, for node_exporter's
 * textfile collector. */
#ifndef KEYAUDIT_METRICS_H
#define KEYAUDIT_METRICS_H

#include <stddef.h>

/* What an ingest run did. */
struct metrics_ingest {
	int exit_status;	  /* the run's enum exit_code */
	double duration;	  /* seconds */
	unsigned long long files; /* files read, new lines, bad lines */
	unsigned long long lines;
	unsigned long long bad;
	unsigned long long absent;     /* paths that gave no input at all */
	unsigned long long not_access; /* error logs skipped */
};

/* What a gonogo run decided. */
struct metrics_gonogo {
	const char *phase;
	int go;		   /* 1 GO, 0 NO-GO or CANNOT TELL */
	int cannot_tell;   /* the window showed too few credentials */
	long long refused; /* requests of the window the phase refuses */
	long long total;   /* requests of the window */
	int breaking;	   /* active clients it would break */
};

/* Write the metrics of an ingest run and of the database at db (files,
 * lines, bad lines, requests by class, legacy and dormant clients,
 * days covered) to path, keeping
 * from path's previous contents (a regular file, read only if path is
 * not a symbolic link) the time of the last successful run (status 0:
 * every input read) and the metrics other commands wrote there.  The file is
 * written by outfile_open(): under an unpredictable name in path's directory
 * (O_EXCL, mode 0644 whatever the umask) and renamed over path, so a reader
 * sees the old file or the new one; a symbolic link is refused, a FIFO or a
 * device written in place, "-" is standard output.  Return 0, or -1 with
 * "PATH: reason" in err. */
int metrics_write_ingest(const char *path, const char *db,
			 const struct metrics_ingest *m, char *err,
			 size_t errlen);

/* The same for a gonogo verdict: the samples of m->phase replace that
 * phase's, those of other phases and other commands are kept. */
int metrics_write_gonogo(const char *path, const struct metrics_gonogo *m,
			 char *err, size_t errlen);

#endif
