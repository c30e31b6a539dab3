/* test_util.c - the edit distance behind every "did you mean" hint, and
 * reading a folder as a file. */
#include "../../generator/util.c"
#include "../../generator/buf.c"
#include "unit.h"

#include <errno.h>

static size_t D(const char *a, const char *b)
{
    return mg_edit_distance(a, strlen(a), b);
}

static void edit_distance_should_count_single_edits(void)
{
    CHECK_INT(D("id", "id"), 0);
    CHECK_INT(D("idd", "id"), 1);     /* deletion */
    CHECK_INT(D("id", "ids"), 1);     /* insertion */
    CHECK_INT(D("titel", "title"), 1); /* transposition of neighbours */
    CHECK_INT(D("nmae", "name"), 1);
    CHECK_INT(D("cat", "dog"), 3);
    CHECK_INT(D("", "abc"), 3);
    CHECK_INT(mg_edit_distance("idX", 2, "id"), 0); /* only n bytes of a */
    char big[200];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK(D(big, "a") == (size_t)-1); /* too long to suggest */
}

static void typo_distance_should_grow_with_the_name(void)
{
    CHECK_INT(mg_typo_distance(1), 0); /* never 'c' -> 'x' */
    CHECK_INT(mg_typo_distance(2), 1);
    CHECK_INT(mg_typo_distance(3), 1);
    CHECK_INT(mg_typo_distance(8), 3);
}

static void read_file_should_refuse_a_folder(void)
{
    mg_buf b;
    mg_buf_init(&b);
    errno = 0;
    CHECK_INT(mg_buf_read_file(&b, ".", 1024), -1);
    CHECK_INT(errno, EISDIR);
    mg_buf_fini(&b);
}

int main(void)
{
    RUN(edit_distance_should_count_single_edits);
    RUN(typo_distance_should_grow_with_the_name);
    RUN(read_file_should_refuse_a_folder);
    return unit_done();
}
