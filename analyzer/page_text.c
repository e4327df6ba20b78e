/* page_text.c: text into the review page's HTML: escaped, and numbers
 * with thousands separators. */
#include "page_int.h"

/* The length of the UTF-8 sequence at s (1..4), or 0 when it is not
 * well formed. */
static int utf8_len(const unsigned char *s)
{
	int n = s[0] >= 0xf0 && s[0] <= 0xf4   ? 4
		: s[0] >= 0xe0		       ? 3
		: s[0] >= 0xc2 && s[0] <= 0xdf ? 2
					       : 0;

	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void page_esc(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		int n = *s >= 0x80 ? utf8_len(s) : 1;

		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '"')
			fputs("&quot;", f);
		else if (*s == '\'')
			fputs("&#39;", f);
		else if (*s < 0x20 || *s == 0x7f || n == 0)
			fputs("&#xfffd;", f);
		else
			fwrite(s, 1, (size_t)n, f);
		s += n ? n : 1;
	}
}

void page_num(FILE *f, long long v)
{
	char d[32];
	int n = snprintf(d, sizeof(d), "%lld", v < 0 ? -v : v);

	if (v < 0)
		fputc('-', f);
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			fputs(",", f);
		fputc(d[i], f);
	}
}
