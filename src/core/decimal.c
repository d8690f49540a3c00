/*
 * The decimal parser of decimal.h: route.c, options.c, signame.c and
 * mqattr.c once each had their own.  Pure; any thread.
 */
#include "decimal.h"

#include <errno.h>
#include <limits.h>

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

size_t dec_span(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && is_digit(s[n]))
		n++;
	return n;
}

int dec_parse(const char *s, size_t len, unsigned flags, unsigned long long lo,
	      unsigned long long hi, unsigned long long *out)
{
	unsigned max_digits = flags >> 8 & 0xff;
	unsigned long long v = 0;
	int err = 0;

	if (len == 0 || dec_span(s, len) != len)
		return -EINVAL;
	if (max_digits && len > max_digits)
		return -EINVAL;
	if (!(flags & DEC_ZEROS) && s[0] == '0' && len > 1)
		return -EINVAL;
	for (size_t i = 0; i < len && !err; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		/* past hi (or ULLONG_MAX) it can only grow: stop counting */
		if (v > (ULLONG_MAX - d) / 10)
			err = -ERANGE;
		else
			v = v * 10 + d;
		if (v > hi)
			err = -ERANGE;
	}
	if (err || v < lo)
		return -ERANGE;
	*out = v;
	return 0;
}

int dec_parse_signed(const char *s, size_t len, unsigned flags, long long lo,
		     long long hi, long long *out)
{
	unsigned long long mag;
	long long v;
	int neg = 0, err;

	if (len && (s[0] == '-' || s[0] == '+')) {
		neg = s[0] == '-';
		s++;
		len--;
	}
	/* LLONG_MIN's magnitude is one more than LLONG_MAX */
	err = dec_parse(s, len, flags, 0, (unsigned long long)LLONG_MAX + 1,
			&mag);
	if (err)
		return err;
	if (!neg && mag > (unsigned long long)LLONG_MAX)
		return -ERANGE;
	v = !neg ? (long long)mag : mag ? -(long long)(mag - 1) - 1 : 0;
	if (v < lo || v > hi)
		return -ERANGE;
	*out = v;
	return 0;
}
