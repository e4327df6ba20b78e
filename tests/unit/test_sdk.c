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

/* The X-Asana-Client-Lib values the client libraries send (joined to
 * the user agent, when there is one, as the shipped rules' sdk lines
 * join them). */
static void real_headers(void)
{
	/* node-asana 0.15.0, 0.18.14, 1.0.5: no user agent at all */
	check("version=0.15.0&language=NodeJS&language_version=v20.20.2&"
	      "os=Linux",
	      "node-asana", "0.15.0");
	check("version=0.18.14&language=NodeJS&language_version=v18.19.0&"
	      "os=darwin",
	      "node-asana", "0.18.14");
	check("version=1.0.5&language=NodeJS&language_version=v20.20.2&"
	      "os=linux",
	      "node-asana", "1.0.5");
	/* python-asana 3.x: requests' user agent, then the header */
	check("python-requests/2.31.0 version=3.2.1&language=Python&"
	      "language_version=3.11.4&os=Linux&os_version=6.1.0-18-amd64",
	      "python-asana", "3.2.1");
	/* python-asana 5.x, generated: language first */
	check("OpenAPI-Generator/5.0.3/python language=Python&version=5.0.3&"
	      "language_version=3.12.1&os=Linux&os_version=6.5.0-14-generic",
	      "python-asana", "5.0.3");
	/* java-asana: a HashMap's order, URL-encoded values */
	check("Google-HTTP-Java-Client/1.23.0 (gzip) "
	      "os_version=6.1.0-18-amd64&language_version=17.0.8&os=Linux&"
	      "language=Java&version=0.10.10",
	      "asana-java", "0.10.10");
	/* ruby-asana: its user agent, and a list whose openssl_version
	 * has spaces in it */
	check("ruby-asana v2.0.1 os=linux&language=ruby&language_version="
	      "3.2.2&version=2.0.1&openssl_version=OpenSSL 3.0.2 15 Mar 2022",
	      "ruby-asana", "2.0.1");
	check("ruby-asana v0.10.3", "ruby-asana", "0.10.3");
	check("version=0.10.1&language=PHP&language_version=8.1.2&os=Linux",
	      "php-asana", "0.10.1");
	/* no language: not a client-lib list */
	check("curl/8.5.0 version=1.0", "curl", "8.5.0");
	check("language=Cobol&version=1.2", "asana-cobol", "1.2");
	check("language=NodeJS", "node-asana", "");
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
	real_headers();
}
