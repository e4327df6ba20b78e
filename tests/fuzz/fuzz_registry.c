/* fuzz_registry.c: libFuzzer target for registry_load(), the client
 * registry CSV: the input is the file.  A registry that loads is walked
 * whole and matched against values taken from its own rows. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "registry.h"

static void on_match(void *ctx, const char *const *row, int r, const char *fp)
{
	(void)r;
	(void)fp;
	const int *ncols = ctx;

	for (int c = 0; c < *ncols; c++)
		fuzz_touch(row[c], strlen(row[c]) + 1);
}

static void check_loaded(const struct registry *reg)
{
	FUZZ_CHECK(reg->ncols > 0, "a registry has columns");
	FUZZ_CHECK(reg->nrows >= 0, "row count");
	FUZZ_CHECK(reg->client_col < reg->ncols && reg->fp_col < reg->ncols,
		   "key columns are columns");
	FUZZ_CHECK(reg->client_col >= 0 || reg->fp_col >= 0,
		   "a loaded registry has a key column");
	for (int c = 0; c < reg->ncols; c++)
		fuzz_touch(reg->cols[c], strlen(reg->cols[c]) + 1);
	for (int r = 0; r < reg->nrows; r++)
		for (int c = 0; c < reg->ncols; c++)
			fuzz_touch(reg->rows[r][c],
				   strlen(reg->rows[r][c]) + 1);
}

/* Match the registry against the keys of its first and last rows, and
 * against names no row has. */
static void match_some(struct registry *reg)
{
	const char *none[] = {"fp:0000000000000000"};
	int rows[2] = {0, reg->nrows - 1};
	int ncols = reg->ncols;

	registry_match(reg, "", none, 1, on_match, &ncols);
	for (int i = 0; i < 2 && reg->nrows > 0; i++) {
		char **row = reg->rows[rows[i]];
		const char *client =
		    reg->client_col >= 0 ? row[reg->client_col] : "x";
		const char *fps[2] = {"", "fp:"};
		char norm[512] = "";
		int n;

		if (reg->fp_col >= 0)
			registry_fp_norm(row[reg->fp_col], norm, sizeof(norm));
		if (reg->fp_col >= 0)
			fps[0] = row[reg->fp_col];
		n = registry_match(reg, client, fps, 2, on_match, &ncols);
		FUZZ_CHECK(n >= 0 && n <= reg->nrows, "match count");
		if ((reg->client_col >= 0 && row[reg->client_col][0]) ||
		    norm[0])
			FUZZ_CHECK(n >= 1, "a row matches its own keys");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct registry *reg;

	err[0] = '\0';
	reg = registry_load(fuzz_file(data, size), NULL, err, sizeof(err));
	if (!reg) {
		FUZZ_CHECK(err[0] != '\0', "a failed load says why");
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL,
			   "the message is a string");
		return 0;
	}
	check_loaded(reg);
	match_some(reg);
	registry_free(reg);
	return 0;
}
