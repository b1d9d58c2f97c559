/*
 * fuzz_routing_state.c - libFuzzer harness for vroom-routerd's state-record
 * importer (src/routing/state.c), the stream that arrives from another host
 * during live migration. Every input, from an exact-size heap copy so ASan
 * sees any read past it, is imported into a fresh core with the built-in
 * protocols (connected, static). A refusal must say why. A stream it takes
 * is exported again; that export must import into a second fresh core and
 * give the same RIB and protocols, before and after both cores start
 * (docs/routing.md, "State records"). Anything else aborts.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "routing/routerd.h"
#include "routing/state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void differ(const char *what, json_t *a, json_t *b)
{
    char *x = json_dumps(a, JSON_INDENT(1)), *y = json_dumps(b, JSON_INDENT(1));

    fprintf(stderr, "fuzz_routing_state: %s\n--- imported:\n%s\n--- re-imported:\n%s\n", what, x,
            y);
    abort();
}

/* The two cores show the same RIB and the same protocols. */
static void same(const char *when, struct routerd *a, struct routerd *b)
{
    json_t *x = routerd_show_rib(a, 0, false, 0), *y = routerd_show_rib(b, 0, false, 0);

    if (!json_equal(x, y))
        differ(when, x, y);
    json_decref(x);
    json_decref(y);
    x = routerd_show_protos(a);
    y = routerd_show_protos(b);
    if (!json_equal(x, y))
        differ(when, x, y);
    json_decref(x);
    json_decref(y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int init;
    struct routerd *a, *b;
    struct state_buf out = {0};
    char why[512];
    uint8_t *buf;
    int r;

    if (!init) {
        log_init("fuzz_routing_state", LOG_LEVEL_ERROR);
        init = 1;
    }
    if ((buf = malloc(size > 0 ? size : 1)) == NULL || (a = routerd_new(NULL)) == NULL) {
        free(buf);
        return 0;
    }
    memcpy(buf, data, size);
    why[0] = '\0';
    r = state_import(a, buf, size, why, sizeof(why));
    free(buf);
    if (r != 0) {
        if (why[0] == '\0')
            abort(); /* a refusal always says why */
        routerd_free(a);
        return 0;
    }
    if (state_export(a, 0, &out) != 0)
        abort();
    if ((b = routerd_new(NULL)) == NULL)
        abort();
    if (state_import(b, out.data, out.len, why, sizeof(why)) != 0) {
        fprintf(stderr, "fuzz_routing_state: the export does not import: %s\n", why);
        abort();
    }
    same("after import", a, b);
    routerd_start(a);
    routerd_start(b);
    same("after start", a, b);
    state_buf_free(&out);
    routerd_free(a);
    routerd_free(b);
    return 0;
}
