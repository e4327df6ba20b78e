/* sdk.c: the SDK and version named by a user agent or an
 * X-Asana-Client-Lib header. */
#include "sdk.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Client libraries, found anywhere in the agent (after "Java/17 "). */
static const char *const libraries[] = {
    "python-asana", "node-asana", "asana-java",	  "ruby-asana",
    "php-asana",    "asana-go",	  "asana-dotnet",
};

/* Tools, found at the start of the agent: {token, name}. */
static const char *const tools[][2] = {
    {"curl", "curl"},
    {"Wget", "wget"},
    {"python-requests", "python-requests"},
    {"Go-http-client", "go-http-client"},
    {"okhttp", "okhttp"},
    {"PostmanRuntime", "postman"},
    {"Java", "java"},
};

/* Browsers, most specific first: Edge and Chrome also say "Safari". */
static const char *const browsers[][2] = {
    {"Edg/", "edge"},
    {"Firefox/", "firefox"},
    {"Chrome/", "chrome"},
    {"Version/", "safari"},
};

static int version_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '+' ||
	       c == '_';
}

/* Find needle in s[0..len), or NULL. */
static const char *find(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n <= len && i <= len - n; i++)
		if (memcmp(s + i, needle, n) == 0)
			return s + i;
	return NULL;
}

/* Copy the version starting at p (up to end) into out. */
static void copy_version(const char *p, const char *end, char *out)
{
	size_t n = 0;

	while (p < end && version_char(*p) && n < SDK_VERSION_MAX - 1)
		out[n++] = *p++;
	out[n] = '\0';
}

static void set(struct sdk *out, const char *name, const char *ver,
		const char *end)
{
	snprintf(out->name, sizeof(out->name), "%s", name);
	out->version[0] = '\0';
	if (ver)
		copy_version(ver, end, out->version);
}

/* "name/1.2" or "name 1.2" at p: the version after the separator. */
static const char *after_name(const char *p, const char *end, size_t n)
{
	p += n;
	if (p < end && (*p == '/' || *p == ' '))
		return p + 1;
	return NULL;
}

static int library(const char *a, size_t len, struct sdk *out)
{
	for (size_t i = 0; i < sizeof(libraries) / sizeof(*libraries); i++) {
		const char *p = find(a, len, libraries[i]);
		const char *v;

		if (!p)
			continue;
		v = after_name(p, a + len, strlen(libraries[i]));
		/* ruby-asana says "ruby-asana v2.0.1" */
		if (v && v + 1 < a + len && *v == 'v' && v[1] >= '0' &&
		    v[1] <= '9')
			v++;
		set(out, libraries[i], v, a + len);
		return 1;
	}
	return 0;
}

/* The client library a client-lib header's language names. */
static const char *const languages[][2] = {
    {"NodeJS", "node-asana"},	{"Node", "node-asana"},
    {"Python", "python-asana"}, {"PythonPreview", "python-asana-preview"},
    {"Java", "asana-java"},	{"Ruby", "ruby-asana"},
    {"PHP", "php-asana"},	{"Go", "asana-go"},
    {"CSharp", "asana-dotnet"}, {"dotnet", "asana-dotnet"},
};

/* The value of key in a "k=v&k=v" list anywhere in a[0..len) (the key
 * at the start, or after '&' or a space), up to '&' or white space, in
 * *v and its length; 0 when absent. */
static size_t pair(const char *a, size_t len, const char *key, const char **v)
{
	size_t n = strlen(key);

	for (size_t i = 0; n < len && i < len - n; i++) {
		size_t e;

		if ((i && a[i - 1] != '&' && a[i - 1] != ' ') ||
		    memcmp(a + i, key, n) != 0 || a[i + n] != '=')
			continue;
		*v = a + i + n + 1;
		for (e = 0; *v + e < a + len && (*v)[e] != '&' &&
			    (*v)[e] != ' ' && (*v)[e] != '\t';
		     e++)
			;
		return e;
	}
	return 0;
}

/* An X-Asana-Client-Lib header ("version=0.15.0&language=NodeJS&
 * language_version=v20.20.2&os=Linux", the pairs in any order): the
 * library its language names, at its version. */
static int client_lib(const char *a, size_t len, struct sdk *out)
{
	const char *lang = NULL, *ver = NULL;
	size_t nlang = pair(a, len, "language", &lang);
	size_t nver = pair(a, len, "version", &ver);

	if (!nlang)
		return 0;
	for (size_t i = 0; i < sizeof(languages) / sizeof(*languages); i++)
		if (strlen(languages[i][0]) == nlang &&
		    strncasecmp(lang, languages[i][0], nlang) == 0) {
			set(out, languages[i][1], nver ? ver : NULL,
			    nver ? ver + nver : NULL);
			return 1;
		}
	snprintf(out->name, sizeof(out->name), "asana-%.*s", (int)nlang, lang);
	for (char *p = out->name; *p; p++)
		if (!version_char(*p) || (*p >= 'A' && *p <= 'Z'))
			*p = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : '_';
	out->version[0] = '\0';
	if (nver)
		copy_version(ver, ver + nver, out->version);
	return 1;
}

static int tool(const char *a, size_t len, struct sdk *out)
{
	for (size_t i = 0; i < sizeof(tools) / sizeof(*tools); i++) {
		size_t n = strlen(tools[i][0]);

		if (len >= n && memcmp(a, tools[i][0], n) == 0 &&
		    (len == n || a[n] == '/' || a[n] == ' ')) {
			set(out, tools[i][1], after_name(a, a + len, n),
			    a + len);
			return 1;
		}
	}
	return 0;
}

/* Major.minor of a browser version: "120.0.6099.71" gives "120.0". */
static void cut_minor(char *v)
{
	char *dot = strchr(v, '.');

	if (dot && (dot = strchr(dot + 1, '.')))
		*dot = '\0';
}

static int browser(const char *a, size_t len, struct sdk *out)
{
	if (!find(a, len, "Mozilla/"))
		return 0;
	for (size_t i = 0; i < sizeof(browsers) / sizeof(*browsers); i++) {
		const char *p = find(a, len, browsers[i][0]);

		if (p) {
			set(out, browsers[i][1], p + strlen(browsers[i][0]),
			    a + len);
			cut_minor(out->version);
			return 1;
		}
	}
	set(out, "browser", NULL, NULL);
	return 1;
}

void sdk_parse(const char *agent, size_t len, struct sdk *out)
{
	if (client_lib(agent, len, out) || library(agent, len, out) ||
	    tool(agent, len, out) || browser(agent, len, out))
		return;
	set(out, "unknown", NULL, NULL);
}
