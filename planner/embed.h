/*
 * embed.h - the files of sql/ and data/ compiled into the binary.
 *
 * The build (tools/embed.sh) links every schema file and data table into
 * the program, so an installed planner carries exactly the facts it was
 * tested with.  The bytes are read-only and live for the whole run.
 */
#ifndef PLANNER_EMBED_H
#define PLANNER_EMBED_H

#include <stddef.h>

struct embedded_file {
	const char *name;		/* path in the source tree */
	const unsigned char *data;	/* contents, followed by a NUL */
	size_t len;			/* length without the NUL */
};

/* Terminated by an entry whose name is NULL. */
extern const struct embedded_file embedded_files[];

/* The file at source path NAME ("data/gcp_regions.csv"), or NULL. */
const struct embedded_file *embed_find(const char *name);

#endif
