/*
 * test_config.c - golden files of the router config (src/routing/config.c),
 * in OpenBGPD's regress style. For every configs/NAME.yaml: parse it, print
 * the canonical form, compare with configs/NAME.out, parse that output
 * again and print it again: the same text. For every .yaml file of configs/bad:
 * refused, with the error of its first line ("# error: LINE: reason", the
 * file name left out).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "routing/config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *dir;

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf = NULL;
    size_t cap = 0;

    if (f == NULL)
        return NULL;
    if (getdelim(&buf, &cap, '\0', f) < 0) {
        free(buf);
        buf = strdup("");
    }
    fclose(f);
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .yaml files of a directory, sorted (NULL-terminated, caller frees). */
static char **list(const char *d, size_t *n)
{
    DIR *dh = opendir(d);
    struct dirent *e;
    char **v = calloc(256, sizeof(*v));

    *n = 0;
    assert_non_null(dh);
    while ((e = readdir(dh)) != NULL && *n < 255) {
        size_t len = strlen(e->d_name);

        if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0)
            v[(*n)++] = strdup(e->d_name);
    }
    closedir(dh);
    qsort(v, *n, sizeof(*v), by_name);
    return v;
}

/* 1. Check every good file against its golden output, and that the output
 *    parses back to the same output. */
static void test_golden(void **state)
{
    size_t n;
    char **files = list(dir, &n);

    (void)state;
    assert_true(n >= 3);
    for (size_t i = 0; i < n; i++) {
        char path[1024], outpath[1024], err[CFG_ERR_MAX];
        struct router_config *rc, *rc2;
        char *text, *text2, *want;

        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        snprintf(outpath, sizeof(outpath), "%s/%.*s.out", dir, (int)strlen(files[i]) - 5, files[i]);
        if ((rc = config_load(path, err, sizeof(err))) == NULL)
            fail_msg("%s: %s", files[i], err);
        text = config_to_text(rc);
        want = slurp(outpath);
        if (want == NULL)
            fail_msg("%s: no golden output %s; it would be:\n%s", files[i], outpath, text);
        if (strcmp(text, want) != 0)
            fail_msg("%s: printed\n%s\nexpected (%s)\n%s", files[i], text, outpath, want);
        if ((rc2 = config_parse_text(text, strlen(text), "printed", err, sizeof(err))) == NULL)
            fail_msg("%s: the printed form does not parse: %s", files[i], err);
        text2 = config_to_text(rc2);
        assert_string_equal(text, text2);
        free(text);
        free(text2);
        free(want);
        config_free(rc);
        config_free(rc2);
        free(files[i]);
    }
    free(files);
}

/* 2. Check that every bad file is refused with its expected line and reason. */
static void test_bad(void **state)
{
    char bad[1024];
    size_t n;
    char **files;

    (void)state;
    snprintf(bad, sizeof(bad), "%s/bad", dir);
    files = list(bad, &n);
    assert_true(n >= 10);
    for (size_t i = 0; i < n; i++) {
        char path[1100], err[CFG_ERR_MAX], want[CFG_ERR_MAX + 1100];
        char *text, *nl;
        struct router_config *rc;

        snprintf(path, sizeof(path), "%s/%s", bad, files[i]);
        text = slurp(path);
        assert_non_null(text);
        if (strncmp(text, "# error: ", 9) != 0)
            fail_msg("%s: no '# error: ' first line", files[i]);
        nl = strchr(text, '\n');
        *nl = '\0';
        snprintf(want, sizeof(want), "%s:%s", path, text + 9);
        *nl = '\n';
        rc = config_load(path, err, sizeof(err));
        if (rc != NULL)
            fail_msg("%s: accepted", files[i]);
        if (strcmp(err, want) != 0)
            fail_msg("%s:\n  got      %s\n  expected %s", files[i], err, want);
        free(text);
        free(files[i]);
    }
    free(files);
}

/* 3. Check that a missing file and an empty one are refused. */
static void test_missing(void **state)
{
    char err[CFG_ERR_MAX];

    (void)state;
    assert_null(config_load("/nonexistent/r.yaml", err, sizeof(err)));
    assert_non_null(strstr(err, "No such file"));
    assert_null(config_parse_text("", 0, "empty", err, sizeof(err)));
    assert_string_equal(err, "empty: empty file");
    config_free(NULL);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_missing),
    };

    dir = argc > 1 ? argv[1] : "configs";
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
