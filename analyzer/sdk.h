/* sdk.h: which SDK or tool sent a request, read from its user agent and
 * the headers SDKs name themselves in. */
#ifndef KEYAUDIT_SDK_H
#define KEYAUDIT_SDK_H

#include <stddef.h>

#define SDK_NAME_MAX	32
#define SDK_VERSION_MAX 32

struct sdk {
	char name[SDK_NAME_MAX];       /* "python-asana", "curl", "unknown" */
	char version[SDK_VERSION_MAX]; /* "0.6.2", or "" when not known */
};

/* Read the SDK from agent[0..len): the values of the rules' sdk fields
 * joined by spaces (a user agent, an X-Asana-Client-Lib header).
 *  - An X-Asana-Client-Lib list anywhere in it ("version=0.15.0&
 *    language=NodeJS&...", in any order) names the library of its
 *    language (NodeJS node-asana, Python python-asana, Java asana-java,
 *    Ruby ruby-asana, PHP php-asana; another: "asana-" and the
 *    language) at its version;
 *  - else an Asana client library anywhere in it ("python-asana/0.6.2
 *    Python/3.11" gives python-asana, 0.6.2; "ruby-asana v2.0.1" gives
 *    ruby-asana, 2.0.1; node-asana, asana-java, php-asana, asana-go
 *    alike);
 *  - else a tool at its start (curl, Wget, python-requests,
 *    Go-http-client, okhttp, PostmanRuntime, Java);
 *  - else a browser (chrome, firefox, safari, edge: their major and
 *    minor version);
 *  - else "unknown" with an empty version.
 * A version is cut at SDK_VERSION_MAX-1 bytes and holds only letters,
 * digits and ".-+_".  Fills out; no allocation. */
void sdk_parse(const char *agent, size_t len, struct sdk *out);

#endif
