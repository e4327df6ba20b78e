/* test_sdk.c: SDKs and versions read from user agents. */
#include <string.h>

#include "harness.h"
#include "sdk.h"

void test_sdk(void);

static void check(const char *agent, const char *name, const char *ver)
{
	struct sdk s;

	sdk_parse(agent, strlen(agent), &s);
	STR_EQ(s.name, name, agent);
	STR_EQ(s.version, ver, agent);
}

void test_sdk(void)
{
	check("python-asana/0.6.2", "python-asana", "0.6.2");
	check("python-asana/3.2.1 Python/3.11.4", "python-asana", "3.2.1");
	check("node-asana/1.0.2 Node/18.17.0", "node-asana", "1.0.2");
	check("Java/17.0.8 asana-java/0.10.10", "asana-java", "0.10.10");
	check("curl/7.88.1", "curl", "7.88.1");
	check("curl", "curl", "");
	check("curlish/1.0", "unknown", "");
	check("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, "
	      "like Gecko) Chrome/120.0.6099.71 Safari/537.36",
	      "chrome", "120.0");
	check("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) "
	      "Gecko/20100101 Firefox/121.0",
	      "firefox", "121.0");
	check("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) "
	      "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
	      "Safari/605.1.15",
	      "safari", "17.1");
	check("Mozilla/5.0 (compatible; bot)", "browser", "");
	check("Zapier", "unknown", "");
	check("", "unknown", "");
	check("python-asana/1.0;rm -rf", "python-asana", "1.0");
	check("node-asana/1234567890123456789012345678901234567890",
	      "node-asana", "1234567890123456789012345678901");
}
