/*
 * embed.c - lookup in the table that tools/embed.sh generates.
 */
#include <string.h>

#include "embed.h"

const struct embedded_file *
embed_find(const char *name)
{
	const struct embedded_file *f;

	for (f = embedded_files; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}
