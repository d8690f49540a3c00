/*
 * Fuzz target for creds_parse_limit() (creds.h), the reader of
 * /proc/PID/limits: the input is parsed as limits text (0 or -EINVAL,
 * and a found limit is a number or UINT64_MAX); then two numbers from
 * the input are written in the kernel's layout, among other limits, and
 * must be read back exactly.
 */
#define _GNU_SOURCE
#include "fuzz.h"
#include "creds.h"

#include <errno.h>
#include <inttypes.h>

static uint64_t take(const uint8_t **data, size_t *size)
{
	uint64_t v = 0;

	for (int i = 0; i < 8 && *size; i++, (*data)++, (*size)--)
		v = v << 8 | **data;
	return v;
}

static void put(char *out, uint64_t v)
{
	if (v == UINT64_MAX)
		sprintf(out, "%-20s ", "unlimited");
	else
		sprintf(out, "%-20" PRIu64 " ", v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size), soft_s[32], hard_s[32], *t;
	uint64_t soft, hard, s0, h0;
	int r;

	r = creds_parse_limit(text, "Max msgqueue size", &soft, &hard);
	CHECK(r == 0 || r == -EINVAL);
	if (r == 0)
		CHECK(strstr(text, "Max msgqueue size ") != NULL);
	free(text);

	s0 = take(&data, &size);
	h0 = take(&data, &size);
	put(soft_s, s0);
	put(hard_s, h0);
	t = malloc(512);
	CHECK(t != NULL);
	snprintf(
		t, 512,
		"Limit                     Soft Limit           Hard Limit           Units     \n"
		"Max msgqueue             1                    2                    bytes     \n"
		"Max msgqueue size         %s%sbytes     \n"
		"Max nice priority         0                    0                    \n",
		soft_s, hard_s);
	CHECK(creds_parse_limit(t, "Max msgqueue size", &soft, &hard) == 0);
	CHECK(soft == s0 && hard == h0);
	free(t);
	return 0;
}
