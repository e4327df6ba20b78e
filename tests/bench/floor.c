/* floor.c: the zlib floor for make bench: inflate a gzip file with
 * zlib's streaming API and count its lines, nothing else. */
#include <stdio.h>
#include <string.h>
#include <zlib.h>

int main(int argc, char **argv)
{
	static unsigned char in[256 * 1024];
	static unsigned char out[1024 * 1024];
	unsigned long long lines = 0;
	unsigned long long bytes = 0;
	FILE *f;
	z_stream z;
	int ret = Z_OK;

	if (argc != 2 || !(f = fopen(argv[1], "rb"))) {
		fprintf(stderr, "usage: floor FILE.gz\n");
		return 2;
	}
	memset(&z, 0, sizeof(z));
	inflateInit2(&z, 16 + MAX_WBITS); /* gzip wrapper, 32 KiB window */
	for (;;) {
		if (z.avail_in == 0) {
			z.avail_in = (unsigned)fread(in, 1, sizeof(in), f);
			z.next_in = in;
			if (z.avail_in == 0)
				break;
		}
		z.next_out = out;
		z.avail_out = sizeof(out);
		ret = inflate(&z, Z_NO_FLUSH);
		for (unsigned char *p = out; p < z.next_out; p++) {
			p = memchr(p, '\n', (size_t)(z.next_out - p));
			if (!p)
				break;
			lines++;
		}
		bytes += (unsigned long long)(z.next_out - out);
		if (ret == Z_STREAM_END)
			inflateReset(&z); /* next member, if any */
		else if (ret != Z_OK && ret != Z_BUF_ERROR)
			break;
	}
	fclose(f);
	inflateEnd(&z);
	printf("%llu lines, %llu bytes\n", lines, bytes);
	return ret == Z_STREAM_END || ret == Z_OK || ret == Z_BUF_ERROR ? 0
									: 1;
}
