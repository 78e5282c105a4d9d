/*
 * replay.c - run a fuzz target without libFuzzer: feed every regular file
 * of each directory (or each file) named on the command line to
 * LLVMFuzzerTestOneInput once. `make check` builds one replay program per
 * target with gcc and runs it on tests/fuzz/corpus/<target>, so the seeds
 * and every crasher found so far stay regression inputs under the
 * --enable-asan/--enable-ubsan builds. With no argument the directory
 * compiled in as FUZZ_CORPUS is used. Exit 0, or 1 when a file or
 * directory cannot be read (a crash aborts the program by itself).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fuzz.h"

#define REPLAY_FILE_MAX (1u << 20)	/* corpus files are small */

static int replay_file(const char *path)
{
	static uint8_t buf[REPLAY_FILE_MAX];
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	/* A heap copy of exactly len bytes, as libFuzzer passes, so that ASan
	 * catches a read past the input. */
	uint8_t *copy = malloc(len ? len : 1);

	if (copy == NULL)
		return -1;
	memcpy(copy, buf, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
	return 0;
}

static int replay_path(const char *path, unsigned *count)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (stat(path, &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	d = opendir(path);
	if (d == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char sub[4096];
		int n;

		if (de->d_name[0] == '.')
			continue;
		n = snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(sub))
			continue;
		if (stat(sub, &st) == 0 && S_ISREG(st.st_mode)) {
			(*count)++;
			if (replay_file(sub) < 0)
				rc = -1;
		}
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int rc = 0;

	if (argc < 2) {
#ifdef FUZZ_CORPUS
		rc = replay_path(FUZZ_CORPUS, &count);
#else
		fprintf(stderr, "usage: %s DIR|FILE...\n", argv[0]);
		return 2;
#endif
	}
	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &count) < 0)
			rc = -1;
	printf("replay: %u inputs\n", count);
	if (count == 0)
		return 1;	/* an empty corpus would test nothing */
	return rc < 0 ? 1 : 0;
}
