/* format.h - the string formats of JSON Schema that msggen checks
 * (date-time, date, time, email, hostname, ipv4, ipv6, uri, uuid, regex).
 *
 * Owns: the format checkers, and nothing else. They have one source,
 * format.c: compiled into msggen (these declarations, used by validate.c)
 * and pasted verbatim into the runtime of every generated C library, where
 * MG_FORMAT_API is `static` (the build copies format.c into
 * templates/c/partials/format.mustache; docs/c-target.md). So format.c
 * includes nothing of msggen but this header, and only when MG_FORMAT_API
 * is not defined.
 *
 * Each checker takes a NUL-terminated UTF-8 string and returns 1 when it is
 * of the format, else 0. Pure functions: no allocation (but regex, which
 * compiles the pattern), no locale, thread-safe. */
#ifndef MG_FORMAT_H
#define MG_FORMAT_H

#include <stdint.h>

/* The PCRE2 options of JSON Schema patterns (ECMA 262 as close as PCRE2
 * gets): used by "regex" and by every pattern check. */
extern const uint32_t mg_format_regex_options;

int mg_format_date_time(const char *s); /* RFC 3339 date-time */
int mg_format_date(const char *s);      /* RFC 3339 full-date */
int mg_format_time(const char *s);      /* RFC 3339 full-time */
int mg_format_email(const char *s);     /* RFC 5321 Mailbox */
int mg_format_hostname(const char *s);  /* RFC 1123, with IDNA2008 A-labels */
int mg_format_ipv4(const char *s);      /* dotted decimal, no leading zeros */
int mg_format_ipv6(const char *s);      /* RFC 4291 text form */
int mg_format_uri(const char *s);       /* RFC 3986 URI (absolute) */
int mg_format_uuid(const char *s);      /* RFC 4122 8-4-4-4-12 hex */
int mg_format_regex(const char *s);     /* compiles as a PCRE2 pattern */

#endif
