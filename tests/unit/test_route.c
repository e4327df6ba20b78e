/* test_route.c: request paths templated into routes. */
#include <string.h>

#include "harness.h"
#include "route.h"

void test_route(void);

static const char *tpl(const char *path, char *out, size_t cap)
{
	route_template(path, strlen(path), out, cap);
	return out;
}

static void test_segments(void)
{
	char o[128];

	STR_EQ(tpl("/api/1.0/tasks/1213373855650293", o, sizeof o),
	       "/api/1.0/tasks/{id}", "numeric id");
	STR_EQ(
	    tpl("/api/1.0/tasks/12/stories?limit=5&opt_pretty", o, sizeof o),
	    "/api/1.0/tasks/{id}/stories", "query dropped");
	STR_EQ(tpl("/users/me#frag", o, sizeof o), "/users/me", "fragment");
	STR_EQ(tpl("/blobs/DEADbeef01/x", o, sizeof o), "/blobs/{id}/x",
	       "hex of 10 digits");
	STR_EQ(tpl("/blobs/beef01a", o, sizeof o), "/blobs/beef01a",
	       "hex of 7 digits kept");
	STR_EQ(tpl("/o/123e4567-e89b-12d3-a456-426614174000/", o, sizeof o),
	       "/o/{id}/", "uuid, trailing slash kept");
	STR_EQ(tpl("/o/123e4567-e89b-12d3-a456-42661417400g", o, sizeof o),
	       "/o/123e4567-e89b-12d3-a456-42661417400g", "not a uuid");
	STR_EQ(tpl("/api/1.0/workspaces", o, sizeof o), "/api/1.0/workspaces",
	       "version segment kept");
	STR_EQ(tpl("", o, sizeof o), "", "empty path");
	STR_EQ(tpl("?a=1", o, sizeof o), "", "only a query");
	STR_EQ(tpl("//7//", o, sizeof o), "//{id}//", "empty segments");
}

static void test_bounds(void)
{
	char o[8];
	size_t n;

	memset(o, 'x', sizeof o);
	n = route_template("/tasks/123", 10, o, sizeof o);
	INT_EQ(n, 7, "cut to cap-1");
	STR_EQ(o, "/tasks/", "cut route");
	n = route_template("/a/12345", 8, o, 6);
	INT_EQ(n, 5, "cut inside {id}");
	STR_EQ(o, "/a/{i", "cut id");
	INT_EQ(route_template("/a", 2, o, 0), 0, "cap 0 writes nothing");
	INT_EQ(route_template("/tasks/5?x", 7, o, sizeof o), 7,
	       "len bounds the read");
	STR_EQ(o, "/tasks/", "len cut before the id");
}

void test_route(void)
{
	test_segments();
	test_bounds();
}
