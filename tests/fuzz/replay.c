/*
 * replay.c - run a libFuzzer target over files without libFuzzer, so the
 * seeds and every crash ever found (tests/fuzz/regress) are replayed by
 * the ordinary test suite with the ordinary compiler.
 * usage: replay_TARGET FILE...   (prints "NAME: N passed, 0 failed")
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

static int
replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0) {
		perror(path);
		return -1;
	}
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	int i, ok = 0, bad = 0;

	for (i = 1; i < argc; i++) {
		if (replay(argv[i]) == 0)
			ok++;
		else
			bad++;
	}
	printf("%s: %d passed, %d failed\n", argv[0], ok, bad);
	return bad != 0;
}
