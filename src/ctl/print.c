/*
 * print.c - how vroomctl shows results to people: aligned tables for lists,
 * indented "key  value" lines for objects. --json bypasses all of this
 * (ctl_print_json). The command table (commands.c) picks the columns.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl/ctl.h"

char *ctl_cell(json_t *v)
{
    char *s = NULL, *item;
    size_t i, len = 0;
    json_t *e;

    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING:
        return strdup(json_string_value(v));
    case JSON_INTEGER:
        if (asprintf(&s, "%" JSON_INTEGER_FORMAT, json_integer_value(v)) < 0)
            return NULL;
        return s;
    case JSON_REAL:
        if (asprintf(&s, "%g", json_real_value(v)) < 0)
            return NULL;
        return s;
    case JSON_TRUE:
        return strdup("yes");
    case JSON_FALSE:
        return strdup("no");
    case JSON_ARRAY:
        if (json_array_size(v) == 0)
            return strdup("-");
        s = calloc(1, 1);
        json_array_foreach(v, i, e)
        {
            item =
                json_is_object(e) || json_is_array(e) ? json_dumps(e, JSON_COMPACT) : ctl_cell(e);
            if (item == NULL || s == NULL)
                break;
            s = realloc(s, len + strlen(item) + 2);
            if (s == NULL)
                break;
            len += (size_t)sprintf(s + len, "%s%s", i ? "," : "", item);
            free(item);
        }
        return s;
    case JSON_OBJECT:
        return json_dumps(v, JSON_COMPACT);
    default:
        return strdup("-");
    }
}

void ctl_print_table(json_t *rows, const struct ctl_col *cols)
{
    ctl_print_table_to(stdout, rows, cols);
}

void ctl_print_table_to(FILE *out, json_t *rows, const struct ctl_col *cols)
{
    size_t ncols = 0, nrows = json_array_size(rows), r, c, *width;
    char **cells;

    while (cols[ncols].header != NULL)
        ncols++;
    width = calloc(ncols, sizeof(*width));
    cells = calloc(nrows * ncols + 1, sizeof(*cells));
    if (width == NULL || cells == NULL)
        goto out;
    for (c = 0; c < ncols; c++)
        width[c] = strlen(cols[c].header);
    for (r = 0; r < nrows; r++) {
        for (c = 0; c < ncols; c++) {
            cells[r * ncols + c] = ctl_cell(json_object_get(json_array_get(rows, r), cols[c].key));
            if (cells[r * ncols + c] != NULL && strlen(cells[r * ncols + c]) > width[c])
                width[c] = strlen(cells[r * ncols + c]);
        }
    }
    for (c = 0; c < ncols; c++)
        fprintf(out, "%-*s%s", c + 1 < ncols ? (int)width[c] : 0, cols[c].header,
                c + 1 < ncols ? "  " : "\n");
    for (r = 0; r < nrows; r++)
        for (c = 0; c < ncols; c++)
            fprintf(out, "%-*s%s", c + 1 < ncols ? (int)width[c] : 0,
                   cells[r * ncols + c] ? cells[r * ncols + c] : "?", c + 1 < ncols ? "  " : "\n");
out:
    for (r = 0; cells != NULL && r < nrows * ncols; r++)
        free(cells[r]);
    free(cells);
    free(width);
}

/* Are all members of every row scalars (or lists of scalars)? Then a table fits. */
static bool flat_rows(json_t *rows)
{
    json_t *row, *v, *e;
    const char *k;
    size_t i, j;

    json_array_foreach(rows, i, row)
    {
        if (!json_is_object(row))
            return false;
        json_object_foreach(row, k, v)
        {
            if (json_is_object(v))
                return false;
            if (json_is_array(v))
                json_array_foreach(v, j, e) if (json_is_object(e) || json_is_array(e)) return false;
        }
    }
    return json_array_size(rows) > 0;
}

/* A table whose columns are the members of the first row, upper-cased. */
static void print_auto_table(json_t *rows, int indent)
{
    struct ctl_col *cols;
    char **heads;
    const char *k;
    json_t *v;
    size_t n = json_object_size(json_array_get(rows, 0)), i = 0, j;

    cols = calloc(n + 1, sizeof(*cols));
    heads = calloc(n + 1, sizeof(*heads));
    if (cols == NULL || heads == NULL)
        goto out;
    json_object_foreach(json_array_get(rows, 0), k, v)
    {
        heads[i] = strdup(k);
        for (j = 0; heads[i] != NULL && heads[i][j] != '\0'; j++)
            heads[i][j] =
                (char)(heads[i][j] >= 'a' && heads[i][j] <= 'z' ? heads[i][j] - 32 : heads[i][j]);
        cols[i].header = heads[i] ? heads[i] : "?";
        cols[i].key = k;
        i++;
    }
    (void)indent;
    ctl_print_table(rows, cols);
out:
    for (i = 0; heads != NULL && i < n; i++)
        free(heads[i]);
    free(heads);
    free(cols);
}

static void print_nested(json_t *v, int indent)
{
    const char *k;
    json_t *m, *e;
    size_t i, w = 0;
    char *cell;

    if (json_is_object(v)) {
        json_object_foreach(v, k, m) if (strlen(k) > w) w = strlen(k);
        json_object_foreach(v, k, m)
        {
            if (json_is_object(m) ||
                (json_is_array(m) && json_array_size(m) > 0 &&
                 (json_is_object(json_array_get(m, 0)) || json_is_array(json_array_get(m, 0))))) {
                printf("%*s%s:\n", indent, "", k);
                print_nested(m, indent + 2);
                continue;
            }
            cell = ctl_cell(m);
            printf("%*s%-*s  %s\n", indent, "", (int)w, k, cell ? cell : "?");
            free(cell);
        }
        return;
    }
    if (json_is_array(v)) {
        if (indent == 0 && flat_rows(v)) {
            print_auto_table(v, indent);
            return;
        }
        json_array_foreach(v, i, e)
        {
            if (json_is_object(e) || json_is_array(e)) {
                printf("%*s[%zu]\n", indent, "", i);
                print_nested(e, indent + 2);
            } else {
                cell = ctl_cell(e);
                printf("%*s%s\n", indent, "", cell ? cell : "?");
                free(cell);
            }
        }
        return;
    }
    cell = ctl_cell(v);
    printf("%*s%s\n", indent, "", cell ? cell : "?");
    free(cell);
}

void ctl_print_value(json_t *v)
{
    /* Commands that change state answer null, true or {}: nothing to say. */
    if (v == NULL || json_is_null(v) || json_is_true(v) ||
        (json_is_object(v) && json_object_size(v) == 0))
        return;
    print_nested(v, 0);
}

void ctl_print_json(json_t *v)
{
    json_dumpf(v, stdout, JSON_INDENT(2) | JSON_ENCODE_ANY);
    putchar('\n');
}
