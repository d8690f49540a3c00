/*
 * Fuzz target for the decimal parser of decimal.h.  The first three
 * bytes choose the flags and the bounds, the rest is the text (a buffer
 * of exactly its length, so a read past it is seen).  dec_parse() and
 * dec_parse_signed() are compared with a reference built another way:
 * the syntax from the header's rules, the value from strtoull().
 */
#define _GNU_SOURCE
#include "decimal.h"
#include "fuzz.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>

static const unsigned long long bounds[] = {
	0,
	1,
	9,
	10,
	64,
	32767,
	4194304,
	0x7fffffffULL,
	1ULL << 40,
	LLONG_MAX,
	(unsigned long long)LLONG_MAX + 1,
	ULLONG_MAX - 1,
	ULLONG_MAX,
};
#define NBOUNDS (sizeof(bounds) / sizeof(bounds[0]))

/* 0 and the value, -EINVAL or -ERANGE: the header's rules, spelt out. */
static int ref_parse(const char *s, size_t len, unsigned flags,
		     unsigned long long lo, unsigned long long hi,
		     unsigned long long *out)
{
	unsigned max = flags >> 8 & 0xff;
	char buf[32];
	size_t z = 0;
	unsigned long long v;

	if (len == 0)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
	if (max && len > max)
		return -EINVAL;
	if (!(flags & DEC_ZEROS) && len > 1 && s[0] == '0')
		return -EINVAL;
	while (z + 1 < len && s[z] == '0')
		z++;
	if (len - z > 20)
		return -ERANGE;
	memcpy(buf, s + z, len - z);
	buf[len - z] = '\0';
	errno = 0;
	v = strtoull(buf, NULL, 10);
	if (errno || v < lo || v > hi)
		return -ERANGE;
	*out = v;
	return 0;
}

static void check_unsigned(const char *s, size_t len, unsigned flags,
			   unsigned long long lo, unsigned long long hi)
{
	unsigned long long got = 7, want = 7;
	int rc = dec_parse(s, len, flags, lo, hi, &got);

	CHECK(rc == ref_parse(s, len, flags, lo, hi, &want));
	CHECK(got == want);
	if (rc == 0)
		CHECK(got >= lo && got <= hi);
}

static void check_signed(const char *s, size_t len, unsigned flags,
			 long long lo, long long hi)
{
	unsigned long long mag = 0;
	long long got = 7, want = 7;
	size_t i = len && (s[0] == '+' || s[0] == '-');
	bool neg = i && s[0] == '-';
	int rc = dec_parse_signed(s, len, flags, lo, hi, &got), ref;

	ref = ref_parse(s + i, len - i, flags, 0, ULLONG_MAX, &mag);
	if (!ref) {
		if (neg && mag <= (unsigned long long)LLONG_MAX + 1)
			want = mag ? -(long long)(mag - 1) - 1 : 0;
		else if (!neg && mag <= (unsigned long long)LLONG_MAX)
			want = (long long)mag;
		else
			ref = -ERANGE;
		if (!ref && (want < lo || want > hi))
			ref = -ERANGE;
		if (ref)
			want = 7;
	}
	CHECK(rc == ref);
	CHECK(got == want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags;
	unsigned long long lo, hi;
	char *s;

	if (size < 3)
		return 0;
	flags = (data[0] & 1 ? DEC_ZEROS : 0) | DEC_MAX_DIGITS(data[0] >> 1);
	lo = bounds[data[1] % NBOUNDS];
	hi = bounds[data[2] % NBOUNDS];
	s = fuzz_bytes(data + 3, size - 3);
	check_unsigned(s, size - 3, flags, lo, hi);
	/* signed bounds: the same, or their negation */
	check_signed(s, size - 3, flags,
		     data[1] & 0x80 ? -(long long)(lo & LLONG_MAX) :
				      (long long)(lo & LLONG_MAX),
		     (long long)(hi & LLONG_MAX));
	CHECK(dec_span(s, size - 3) <= size - 3);
	free(s);
	return 0;
}
