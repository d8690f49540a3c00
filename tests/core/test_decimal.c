/* Unit tests of the decimal parser (decimal.h), with no mount. */
#define _GNU_SOURCE
#include "../tap.h"
#include "decimal.h"

#include <errno.h>
#include <limits.h>

/* dec_parse of a C string: the value, or the error (always < 0). */
static long long u(const char *s, unsigned flags, unsigned long long lo,
		   unsigned long long hi)
{
	unsigned long long v = 12345;
	int err = dec_parse(s, strlen(s), flags, lo, hi, &v);

	if (err)
		return v == 12345 ? err : -9999; /* *out untouched on error */
	return (long long)v;
}

static long long sgn(const char *s, unsigned flags, long long lo, long long hi)
{
	long long v = 12345;
	int err = dec_parse_signed(s, strlen(s), flags, lo, hi, &v);

	if (err)
		return v == 12345 ? err : -9999;
	return v;
}

static void canonical_by_default(void)
{
	is_int(u("0", 0, 0, 9), 0, "0 is canonical");
	is_int(u("7", 0, 0, 9), 7, "7");
	is_int(u("1234", 0, 0, 99999), 1234, "1234");
	is_int(u("", 0, 0, 9), -EINVAL, "empty");
	is_int(u("01", 0, 0, 9), -EINVAL, "leading zero");
	is_int(u("00", 0, 0, 9), -EINVAL, "00");
	is_int(u("+1", 0, 0, 9), -EINVAL, "no sign");
	is_int(u("-1", 0, 0, 9), -EINVAL, "no minus");
	is_int(u(" 1", 0, 0, 9), -EINVAL, "no leading blank");
	is_int(u("1 ", 0, 0, 9), -EINVAL, "no trailing blank");
	is_int(u("1\n", 0, 0, 9), -EINVAL, "no trailing newline");
	is_int(u("1x", 0, 0, 9), -EINVAL, "trailing garbage");
	is_int(u("0x1", 0, 0, 9), -EINVAL, "no hex");
}

static void bounds(void)
{
	is_int(u("0", 0, 1, 9), -ERANGE, "below lo");
	is_int(u("1", 0, 1, 9), 1, "lo itself");
	is_int(u("9", 0, 1, 9), 9, "hi itself");
	is_int(u("10", 0, 1, 9), -ERANGE, "above hi");
	is_int(u("4194305", 0, 1, 4194304), -ERANGE, "one above hi");
	is_int(u("99999999999999999999999999", 0, 0, 9), -ERANGE,
	       "many digits: out of range, no overflow");
	ok(u("18446744073709551615", 0, 0, ULLONG_MAX) == (long long)ULLONG_MAX,
	   "ULLONG_MAX");
	is_int(u("18446744073709551616", 0, 0, ULLONG_MAX), -ERANGE,
	       "ULLONG_MAX + 1");
	is_int(u("5", 0, 6, 4), -ERANGE, "empty range");
}

static void zeros_and_digits(void)
{
	is_int(u("007", DEC_ZEROS, 0, 9), 7, "DEC_ZEROS: 007");
	is_int(u("00", DEC_ZEROS, 0, 9), 0, "DEC_ZEROS: 00");
	is_int(u("0000000000000000000000000001", DEC_ZEROS, 0, 9), 1,
	       "DEC_ZEROS: any number of zeros");
	is_int(u("", DEC_ZEROS, 0, 9), -EINVAL, "DEC_ZEROS: still not empty");
	is_int(u("123", DEC_MAX_DIGITS(3), 0, 999), 123, "3 digits of 3");
	is_int(u("1234", DEC_MAX_DIGITS(3), 0, 9999), -EINVAL, "4 digits of 3");
	is_int(u("0001", DEC_ZEROS | DEC_MAX_DIGITS(3), 0, 9), -EINVAL,
	       "leading zeros count as digits");
}

static void signed_numbers(void)
{
	unsigned f = DEC_ZEROS | DEC_MAX_DIGITS(11);

	is_int(sgn("42", f, INT_MIN, INT_MAX), 42, "42");
	is_int(sgn("+42", f, INT_MIN, INT_MAX), 42, "+42");
	is_int(sgn("-42", f, INT_MIN, INT_MAX), -42, "-42");
	is_int(sgn("-0", f, INT_MIN, INT_MAX), 0, "-0");
	is_int(sgn("-", f, INT_MIN, INT_MAX), -EINVAL, "a sign alone");
	is_int(sgn("", f, INT_MIN, INT_MAX), -EINVAL, "empty");
	is_int(sgn("--1", f, INT_MIN, INT_MAX), -EINVAL, "two signs");
	is_int(sgn("+-1", f, INT_MIN, INT_MAX), -EINVAL, "+-");
	is_int(sgn("2147483647", f, INT_MIN, INT_MAX), INT_MAX, "INT_MAX");
	is_int(sgn("-2147483648", f, INT_MIN, INT_MAX), INT_MIN, "INT_MIN");
	is_int(sgn("2147483648", f, INT_MIN, INT_MAX), -ERANGE, "INT_MAX + 1");
	is_int(sgn("-2147483649", f, INT_MIN, INT_MAX), -ERANGE, "INT_MIN - 1");
	is_int(sgn("+00000000001", f, INT_MIN, INT_MAX), 1,
	       "11 digits after the sign");
	is_int(sgn("-000000000001", f, INT_MIN, INT_MAX), -EINVAL,
	       "12 digits after the sign");
	ok(sgn("-9223372036854775808", 0, LLONG_MIN, LLONG_MAX) == LLONG_MIN,
	   "LLONG_MIN");
	is_int(sgn("9223372036854775808", 0, LLONG_MIN, LLONG_MAX), -ERANGE,
	       "LLONG_MAX + 1");
	is_int(sgn("-1", 0, 0, 9), -ERANGE, "negative below lo = 0");
	is_int(sgn("-01", 0, -9, 9), -EINVAL, "canonical after the sign");
}

static void spans(void)
{
	is_int(dec_span("123 x", 5), 3, "digits then a blank");
	is_int(dec_span("12", 1), 1, "bounded by len");
	is_int(dec_span("x1", 2), 0, "none");
	is_int(dec_span("", 0), 0, "empty");
}

int main(void)
{
	canonical_by_default();
	bounds();
	zeros_and_digits();
	signed_numbers();
	spans();
	return done_testing();
}
