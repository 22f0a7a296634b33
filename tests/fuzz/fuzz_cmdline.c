/* SPDX-License-Identifier: ISC */
/* libFuzzer target: script command splitting, its invariants and the join round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* join(split(s)) must split back into the very same words. */
static void
round_trip(char **argv, int argc)
{
	char buf[4 * CMDLINE_MAX_LEN + 3 * CMDLINE_MAX_ARGS + 8], **back;
	size_t need;
	int n, i;

	need = cmdline_join(argv, buf, sizeof(buf));
	if (need >= sizeof(buf))
		abort();	/* ' takes 4 bytes, a word 2 quotes + 1 */
	if (need > CMDLINE_MAX_LEN)
		return;		/* too long to split again: fine */
	if (cmdline_split(buf, &back, &n) != CMDLINE_OK || n != argc)
		abort();
	for (i = 0; i < argc; i++)
		if (strcmp(back[i], argv[i]) != 0)
			abort();
	cmdline_free(back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum cmdline_err err;
	char *s, **argv;
	int argc, i;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	err = cmdline_split(s, &argv, &argc);
	if (cmdline_strerror(err) == NULL || cmdline_strerror(err)[0] == '\0')
		abort();
	if (err != CMDLINE_OK) {
		if (argv != NULL || argc != 0)
			abort();
		free(s);
		return 0;
	}
	if (argc < 1 || argc > CMDLINE_MAX_ARGS || argv[argc] != NULL ||
	    argv[0][0] != '/' || strlen(s) > CMDLINE_MAX_LEN)
		abort();
	for (i = 0; i < argc; i++)
		if (strlen(argv[i]) > strlen(s))
			abort();
	round_trip(argv, argc);
	cmdline_free(argv);
	free(s);
	return 0;
}
