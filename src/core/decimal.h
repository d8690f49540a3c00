/*
 * Decimal numbers as users and the kernel write them: one parser for
 * path components, option values, signal numbers and /proc texts.  Pure
 * (no FUSE types, no allocation): any thread may call it.
 *
 * By default a number is canonical: ASCII digits only, no sign, no
 * blank, no leading zero ("0" itself is fine), and the whole of s[0..len)
 * is the number.  Flags loosen this for callers that read texts written
 * by others (the kernel pads nothing, but users write "007").
 */
#ifndef IPCFS_DECIMAL_H
#define IPCFS_DECIMAL_H

#include <stddef.h>

/* Leading zeros are allowed: "007" is 7. */
#define DEC_ZEROS 0x1u
/* At most n digits (leading zeros count), n in 1..255; 0 is no limit. */
#define DEC_MAX_DIGITS(n) ((unsigned)(n) << 8)

/*
 * Parses s[0..len) as a decimal in [lo, hi].  Returns 0 and sets *out,
 * -EINVAL if it is not a number under @flags, or -ERANGE if it is one
 * outside [lo, hi] (however many digits: there is no overflow).  *out is
 * untouched on error.
 */
int dec_parse(const char *s, size_t len, unsigned flags, unsigned long long lo,
	      unsigned long long hi, unsigned long long *out);

/*
 * The same with one optional '+' or '-' first (DEC_MAX_DIGITS counts the
 * digits after it; "-0" is 0).
 */
int dec_parse_signed(const char *s, size_t len, unsigned flags, long long lo,
		     long long hi, long long *out);

/* How many bytes at the start of s[0..len) are digits. */
size_t dec_span(const char *s, size_t len);

#endif
