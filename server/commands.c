/* commands.c - the registry of command tables; lookup for dispatch and HELP. */
#include "config.h"

#include <string.h>

#include "session.h"

static const struct command *const tables[] = {
	cmd_auth_table, cmd_info_table, cmd_data_table,
	cmd_xfer_table, cmd_fs_table, cmd_list_table, cmd_hash_table, cmd_tls_table,
};

const struct command *command_at(unsigned i)
{
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
		for (const struct command *c = tables[t]; c->verb; c++) {
			if (i-- == 0)
				return c;
		}
	}
	return NULL;
}

const struct command *command_find(const char *verb)
{
	const struct command *c;
	for (unsigned i = 0; (c = command_at(i)) != NULL; i++) {
		if (strcmp(c->verb, verb) == 0)
			return c;
	}
	return NULL;
}
