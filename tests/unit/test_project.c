/* test_project.c - msggen.yaml: keys, joined paths, lookup and errors. */
#include "../../generator/project.c"

#include "testfs.h"
#include "unit.h"

/* Loads `text` as msggen.yaml at `path`; on failure returns NULL with the
 * diagnostics in *c (the caller finishes c). */
static mg_project *load(const char *path, const char *text, capture *c)
{
    mg_diag d;
    capture_init(c, &d);
    testfs_write(path, text);
    return mg_project_load(path, &d);
}

static void setup_targets(void)
{
    testfs_write("shipped/c/target.yaml", "name: c\n");
    testfs_write("shipped/python/target.yaml", "name: python\n");
    setenv("MSGGEN_TEMPLATES", "shipped", 1);
}

static void config_should_read_every_key_relative_to_its_folder(void)
{
    testfs_enter();
    setup_targets();
    testfs_write("proj/api.yaml", "asyncapi: 2.6.0\n");
    testfs_write("proj/ovr/x.mustache", "");
    testfs_write("proj/ovr-c/x.mustache", "");
    testfs_write("proj/mine/target.yaml", "name: mine\n");
    capture c;
    mg_project *p = load("proj/msggen.yaml",
                         "catalogue: api.yaml\n"
                         "output: gen\n"
                         "templates-override: ovr\n"
                         "targets:\n"
                         "  c: {output: gen-c, templates-override: ovr-c}\n"
                         "  python:\n"
                         "  ./mine: {}\n",
                         &c);
    CHECK(p != NULL);
    CHECK_STR(capture_text(&c), "");
    if (p) {
        CHECK_STR(p->path, "proj/msggen.yaml");
        CHECK_STR(p->catalogue, "proj/api.yaml");
        CHECK_STR(p->out, "proj/gen");
        CHECK_STR(p->override_dir, "proj/ovr");
        CHECK_INT(p->ntargets, 3);
        CHECK_STR(p->targets[0].name, "c");
        CHECK_STR(p->targets[0].out, "proj/gen-c");
        CHECK_STR(p->targets[0].override_dir, "proj/ovr-c");
        CHECK_STR(p->targets[1].name, "python");
        CHECK(p->targets[1].out == NULL);
        CHECK_STR(p->targets[2].name, "proj/mine");
        CHECK_INT(p->targets[2].at.line, 7);
        CHECK(mg_project_find_target(p, "python") == &p->targets[1]);
        CHECK(mg_project_find_target(p, "java") == NULL);
    }
    mg_project_free(p);
    capture_fini(&c);
    unsetenv("MSGGEN_TEMPLATES");
    testfs_leave();
}

static void config_in_the_current_folder_should_keep_paths_as_written(void)
{
    testfs_enter();
    testfs_write("schemas/api.yaml", "asyncapi: 2.6.0\n");
    capture c;
    mg_project *p = load("msggen.yaml", "catalogue: ./schemas/api.yaml\n", &c);
    CHECK(p != NULL);
    if (p) {
        CHECK_STR(p->catalogue, "schemas/api.yaml");
        CHECK(p->targets == NULL); /* no `targets`: every shipped target */
        CHECK(p->out == NULL);
    }
    mg_project_free(p);
    capture_fini(&c);
    testfs_leave();
}

static void targets_may_be_a_list_of_names(void)
{
    testfs_enter();
    setup_targets();
    capture c;
    mg_project *p = load("msggen.yaml", "targets: [python, c]\n", &c);
    CHECK(p != NULL);
    if (p) {
        CHECK_INT(p->ntargets, 2);
        CHECK_STR(p->targets[0].name, "python");
        CHECK(p->catalogue == NULL);
    }
    mg_project_free(p);
    capture_fini(&c);
    unsetenv("MSGGEN_TEMPLATES");
    testfs_leave();
}

/* Each bad file gives exactly this one line. */
static void expect_error(const char *text, const char *want)
{
    capture c;
    mg_project *p = load("msggen.yaml", text, &c);
    CHECK(p == NULL);
    CHECK_STR(capture_text(&c), want);
    mg_project_free(p);
    capture_fini(&c);
}

static void config_errors_should_be_one_line_at_the_node(void)
{
    testfs_enter();
    setup_targets();
    expect_error("catalog: a.yaml\n",
                 "msggen.yaml:1:1: error: unknown key 'catalog' in the configuration (did you mean 'catalogue'?)");
    expect_error("cache: x\n", "msggen.yaml:1:1: error: unknown key 'cache' in the configuration "
                               "(known keys: catalogue, output, templates-override, targets)");
    expect_error("output: 3\n", "msggen.yaml:1:9: error: 'output' must be a folder path, not a number");
    expect_error("catalogue: ''\n", "msggen.yaml:1:12: error: 'catalogue' must be a file path, not empty");
    expect_error("catalogue: none.yaml\n", "msggen.yaml:1:12: error: catalogue 'none.yaml' does not exist "
                                           "(paths are relative to the current folder)");
    expect_error("targets: [c, c]\n", "msggen.yaml:1:14: error: target 'c' is listed twice (first at line 1)");
    expect_error("targets: [cc]\n",
                 "msggen.yaml:1:11: error: unknown target 'cc' (did you mean 'c'? 'msggen targets' lists them)");
    expect_error("targets:\n  c: [x]\n", "msggen.yaml:2:6: error: the options of target 'c' must be a mapping "
                                         "(output, templates-override), not a list");
    expect_error("targets:\n  - {c: 1}\n",
                 "msggen.yaml:2:5: error: a 'targets' entry must be a target name, not a mapping");
    expect_error("targets:\n  ./nothing-here:\n",
                 "msggen.yaml:2:3: error: target folder './nothing-here' has no target.yaml");
    expect_error("targets: {}\n", "msggen.yaml:1:10: error: 'targets' is empty "
                                   "(leave it out for every shipped target)");
    expect_error("[1]\n", "msggen.yaml:1:1: error: the configuration must be a mapping with keys catalogue, "
                          "output, templates-override, targets (docs/config.md)");
    expect_error("output: a\noutput: b\n", "msggen.yaml:2:1: error: duplicate key 'output' (first defined at 1:1)");
    unsetenv("MSGGEN_TEMPLATES");
    testfs_leave();
}

static void lookup_should_climb_to_the_nearest_parent_with_a_config(void)
{
    testfs_enter();
    testfs_write("msggen.yaml", "output: x\n");
    testfs_write("a/b/c/keep", "");
    if (chdir("a/b") != 0)
        abort();
    char *f = mg_project_find_new(NULL);
    CHECK_STR(f, "../../msggen.yaml");
    free(f);
    testfs_write("msggen.yaml", "output: y\n");
    f = mg_project_find_new(NULL);
    CHECK_STR(f, "msggen.yaml");
    free(f);
    f = mg_project_find_new("elsewhere.yaml");
    CHECK_STR(f, "elsewhere.yaml");
    free(f);
    testfs_leave();
}

static void edit_distance_should_count_single_edits(void)
{
    CHECK_INT(mg_edit_distance("catalog", 7, "catalogue"), 2);
    CHECK_INT(mg_edit_distance("ouput", 5, "output"), 1);
    CHECK_INT(mg_edit_distance("pyhton", 6, "python"), 1); /* a transposition is one edit */
    CHECK_INT(mg_edit_distance("", 0, "abc"), 3);
    CHECK_INT(mg_edit_distance("same", 4, "same"), 0);
}

int main(void)
{
    RUN(config_should_read_every_key_relative_to_its_folder);
    RUN(config_in_the_current_folder_should_keep_paths_as_written);
    RUN(targets_may_be_a_list_of_names);
    RUN(config_errors_should_be_one_line_at_the_node);
    RUN(lookup_should_climb_to_the_nearest_parent_with_a_config);
    RUN(edit_distance_should_count_single_edits);
    return unit_done();
}
