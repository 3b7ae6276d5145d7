/*
 * csvpass.c - one libcsv pass over a file, for the benchmark's floor.
 *
 * usage: csvpass FILE
 *
 * Feeds FILE to libcsv in 1 MiB blocks with the options planner uses
 * (strict quoting, NUL-terminated fields, no trimming through a space
 * function) and callbacks that only count; prints the records and
 * fields.  Its time is what any importer built on libcsv pays before it
 * looks at a single value: planner's floor under the project's rules,
 * as cat and wc -l are the machine's.
 */
#include <stdio.h>
#include <stdlib.h>

#include <csv.h>

#define BLOCK	(1024 * 1024)

static long long fields, records;

static void
on_field(void *s, size_t n, void *data)
{
	(void)s;
	(void)n;
	(void)data;
	fields++;
}

static void
on_record(int c, void *data)
{
	(void)c;
	(void)data;
	records++;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

int
main(int argc, char **argv)
{
	struct csv_parser p;
	char *buf;
	size_t n;
	FILE *f;

	if (argc != 2) {
		fputs("usage: csvpass FILE\n", stderr);
		return 2;
	}
	if ((f = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	if ((buf = malloc(BLOCK)) == NULL ||
	    csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL))
		return 1;
	csv_set_space_func(&p, no_space);
	while ((n = fread(buf, 1, BLOCK, f)) > 0)
		if (csv_parse(&p, buf, n, on_field, on_record, NULL) != n) {
			fprintf(stderr, "csvpass: %s\n",
				csv_strerror(csv_error(&p)));
			return 1;
		}
	if (ferror(f) || csv_fini(&p, on_field, on_record, NULL) != 0)
		return 1;
	printf("%lld records, %lld fields\n", records, fields);
	csv_free(&p);
	free(buf);
	fclose(f);
	return 0;
}
