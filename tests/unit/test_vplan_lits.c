/* test_vplan_lits.c - a raw plan's literals (vplan.c, mark_shared) are one
 * list, function after function, and each function's fn_copies.lits is its
 * part: its raw literals (cJSON_Raw), every one, in the order of its
 * members (copy_plan's order, which canonize writes them in).
 *
 * For the flagship catalogue, every catalogue of tests/catalogues and the
 * golden cases' inputs, this builds the raw plan (without a cache: its
 * functions keep their raw literals) and compares each function's part
 * with the literals found by a walk of the function. */
#include "../../generator/vplan.c"

#include "load.h"
#include "unit.h"
#include "catalogues.h"

static size_t functions, literals, differ;

static void quiet(void *user, const char *line)
{
    (void)user;
    (void)line;
}

/* The raw literals under `j`, in the order of its members, into want[*n..]. */
static void walk_raws(const cJSON *j, const cJSON **want, size_t max, size_t *n)
{
    for (const cJSON *c = j->child; c; c = c->next) {
        if ((c->type & 0xFF) == cJSON_Raw) {
            if (*n < max)
                want[*n] = c;
            ++*n;
        } else
            walk_raws(c, want, max, n);
    }
}

static void compare_catalogue(const char *path)
{
    mg_diag d;
    mg_diag_init(&d);
    d.sink = quiet; /* the catalogues' warnings are other tests' */
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(path, NULL, 0, &set, &d);
    CHECK(m != NULL);
    mg_vplan_raw *r = m ? build_raw(m, 1, &d, NULL) : NULL;
    if (m)
        CHECK(r != NULL);
    if (r) {
        CHECK(!r->converted);
        size_t k = 0, total = 0;
        for (const cJSON *fn = r->functions->child; fn; fn = fn->next, k++) {
            const fn_copies *fl = &r->copies[k];
            const cJSON *want[512];
            size_t n = 0;
            walk_raws(fn, want, sizeof want / sizeof *want, &n);
            CHECK(n <= sizeof want / sizeof *want);
            int same = n == fl->nlits && fl->lits == r->lits + total;
            for (size_t i = 0; same && i < n; i++)
                same = fl->lits[i] == want[i];
            if (!same) {
                if (differ++ < 3)
                    unit_note("# %s: function %zu: %zu literals, %zu in its part\n", path, k, n, fl->nlits);
                CHECK(same);
            }
            total += n;
            functions++;
            literals += n;
        }
        CHECK(k == r->ncopies);
        CHECK(total == r->nlits);
        mg_vplan_raw_free(r);
    }
    mg_model_free(m);
    if (set)
        mg_docset_free(set);
}

static void every_function_should_have_its_literals_in_its_part_of_the_list(void)
{
    CHECK(unit_find_top() == 0);
    unit_each_catalogue(compare_catalogue);
    unit_note("# %zu functions, %zu literals, %zu read otherwise\n", functions, literals, differ);
    CHECK(functions > 100);
    CHECK(literals > functions);
}

int main(void)
{
    (void)unit_each_target_of; /* catalogues.h's, for other tests */
    RUN(every_function_should_have_its_literals_in_its_part_of_the_list);
    return unit_done();
}
