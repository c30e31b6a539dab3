/* test_format.c - the format checkers (generator/format.c), one case per
 * rule that decides a verdict. The same file is the generated C runtime's
 * checkers: tests/c-target compares both on thousands of strings. */
#include "../../generator/format.h"
#include "unit.h"

static void date_time_should_follow_rfc3339(void)
{
    CHECK(mg_format_date_time("1985-04-12T23:20:50.52Z"));
    CHECK(mg_format_date_time("1996-12-19t16:39:57-08:00"));
    CHECK(mg_format_date_time("1990-12-31T23:59:60Z")); /* a leap second */
    CHECK(!mg_format_date_time("1985-04-12 23:20:50Z"));
    CHECK(!mg_format_date_time("1985-04-12T23:20:50"));  /* no offset */
    CHECK(!mg_format_date_time("2023-02-29T00:00:00Z")); /* not a leap year */
    CHECK(mg_format_date("2024-02-29"));
    CHECK(!mg_format_date("2024-02-29T"));
    CHECK(mg_format_time("08:30:06+01:00"));
    CHECK(!mg_format_time("24:00:00Z"));
}

static void addresses_should_follow_their_rfcs(void)
{
    CHECK(mg_format_ipv4("192.168.0.1"));
    CHECK(!mg_format_ipv4("192.168.0.01"));
    CHECK(!mg_format_ipv4("256.0.0.1"));
    CHECK(mg_format_ipv6("::ffff:192.0.2.128"));
    CHECK(mg_format_ipv6("1:2:3:4:5:6:7:8"));
    CHECK(!mg_format_ipv6("1:2:3:4:5:6:7:8:9"));
    CHECK(!mg_format_ipv6("1::2::3"));
    CHECK(mg_format_hostname("xn--bcher-kva.example"));
    CHECK(!mg_format_hostname("-a.example"));
    CHECK(mg_format_email("joe.bloggs@example.com"));
    CHECK(!mg_format_email("joe@@example.com"));
}

static void uri_uuid_and_regex_should_be_checked(void)
{
    CHECK(mg_format_uri("http://example.com/a%2Fb?c=d&e#f"));
    CHECK(mg_format_uri("urn:isbn:0451450523"));
    CHECK(!mg_format_uri("//h/p"));        /* relative */
    CHECK(!mg_format_uri("a:%4g"));        /* a bad escape */
    CHECK(mg_format_uuid("0123abcd-ABCD-4ef0-9A8b-0123456789aB"));
    CHECK(!mg_format_uuid("0123abcd-ABCD-4ef0-9A8b-0123456789a"));
    CHECK(!mg_format_uuid("0123abcd0ABCD-4ef0-9A8b-0123456789aB"));
    CHECK(mg_format_regex("^[a-z]+$"));
    CHECK(!mg_format_regex("(a"));
}

int main(void)
{
    RUN(date_time_should_follow_rfc3339);
    RUN(addresses_should_follow_their_rfcs);
    RUN(uri_uuid_and_regex_should_be_checked);
    return unit_done();
}
