/* rules.c: what a loaded ruleset says: its classes and phases, and the
 * fields of the bound format its rules, amnesty, client, sdk and
 * warning lines read. */
#include "rules_int.h"

#include <string.h>

#include "fp.h"

int rules_sdk_fields(const struct ruleset *rs, int idx[RULES_MAX_SDK],
		     int warning[RULES_MAX_SDK])
{
	for (int i = 0; i < rs->nsdk; i++) {
		idx[i] = rs->sdk_index[i];
		warning[i] = rs->sdk_warning[i];
	}
	return rs->nsdk;
}

/* The fields of rules and amnesty lines, and of client lines too when
 * with_client, in increasing order into fields; return how many. */
static int inputs(const struct ruleset *rs, int with_client,
		  int fields[RECORD_MAX_FIELDS])
{
	char used[RECORD_MAX_FIELDS] = {0};
	int n = 0;

	for (int i = 0; i < rs->nrules; i++)
		if (rs->rules[i].m.index >= 0)
			used[rs->rules[i].m.index] = 1;
	for (int i = 0; i < rs->namnesty; i++)
		if (rs->amnesty[i].index >= 0)
			used[rs->amnesty[i].index] = 1;
	for (int i = 0; i < rs->nclient && with_client; i++)
		if (!rs->client[i].credential && rs->client[i].m.index >= 0)
			used[rs->client[i].m.index] = 1;
	for (int i = 0; i < RECORD_MAX_FIELDS; i++)
		if (used[i])
			fields[n++] = i;
	return n;
}

int rules_inputs(const struct ruleset *rs, int fields[RECORD_MAX_FIELDS])
{
	return inputs(rs, 1, fields);
}

int rules_verdict_inputs(const struct ruleset *rs,
			 int fields[RECORD_MAX_FIELDS])
{
	return inputs(rs, 0, fields);
}

int rules_nclient(const struct ruleset *rs)
{
	return rs->nclient;
}

int rules_client_field(const struct ruleset *rs, int i)
{
	return rs->client[i].credential ? RULES_CLIENT_CREDENTIAL
					: rs->client[i].m.index;
}

int rules_field_secret(const struct ruleset *rs, int i)
{
	const char *name;

	for (int r = 0; r < rs->nrules; r++)
		if (rs->rules[r].m.index == i && rs->rules[r].m.group > 0)
			return 1;
	/* a credential's field by its name, whether a rule reads it or
	 * not ($http_x_api_key, $cookie_sessionid, $http_cookie) */
	name = rs->fmt && i >= 0 ? format_field_name(rs->fmt, i) : NULL;
	return name && fp_secret_name(name, strlen(name));
}

int rules_nclasses(const struct ruleset *rs)
{
	return rs->nclasses;
}

const char *rules_class_name(const struct ruleset *rs, int i)
{
	return i < rs->nclasses ? rs->classes[i] : "unknown";
}

int rules_class_legacy(const struct ruleset *rs, int i)
{
	return i < rs->nclasses && rs->legacy[i];
}

int rules_nrules(const struct ruleset *rs)
{
	return rs->nrules;
}

int rules_nphases(const struct ruleset *rs)
{
	return rs->nphases;
}

const char *rules_phase_name(const struct ruleset *rs, int i)
{
	return rs->phases[i].name;
}

const char *rules_phase_date(const struct ruleset *rs, int i)
{
	return rs->phases[i].date;
}

int rules_phase_find(const struct ruleset *rs, const char *name)
{
	for (int i = 0; i < rs->nphases; i++)
		if (strcmp(rs->phases[i].name, name) == 0)
			return i;
	return -1;
}

int rules_class_find(const struct ruleset *rs, const char *name)
{
	int i = rules_class_index(rs, name);

	return i < 0 ? rs->nclasses : i;
}

int rules_phase_refuses(const struct ruleset *rs, int i, int cls, int amnesty)
{
	const struct phase *ph = &rs->phases[i];

	if (cls >= rs->nclasses || !(ph->refuse & (1u << cls)))
		return 0;
	return !(ph->unless_amnesty && amnesty);
}
