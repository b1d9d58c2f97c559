/*
 * fuzz_routing_config.c - libFuzzer harness for vroom-routerd's YAML config
 * parser (src/routing/config.c and the built-in protocols' config_parse
 * hooks). Every input, from an exact-size heap copy so ASan sees any read
 * past it, goes to config_parse_text(); a config it accepts is printed in
 * canonical form, and that print must parse again and print the same text
 * (docs/routing.md: "It parses back to the same text"). A refusal must say
 * why. Anything else aborts: a crash, a leak or a round trip that does not
 * hold is a bug in the parser or the printer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "routing/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void mismatch(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "fuzz_routing_config: %s\n--- first print:\n%s\n--- second:\n%s\n", what, a,
            b != NULL ? b : "(none)");
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[CFG_ERR_MAX], err2[CFG_ERR_MAX];
    struct router_config *rc, *rc2;
    char *text, *text2, *buf;

    if ((buf = malloc(size > 0 ? size : 1)) == NULL)
        return 0;
    memcpy(buf, data, size);
    err[0] = '\0';
    rc = config_parse_text(buf, size, "fuzz", err, sizeof(err));
    free(buf);
    if (rc == NULL) {
        if (err[0] == '\0')
            abort(); /* a refusal always says why */
        return 0;
    }
    if ((text = config_to_text(rc)) == NULL)
        abort();
    config_free(rc);
    rc2 = config_parse_text(text, strlen(text), "print", err2, sizeof(err2));
    if (rc2 == NULL)
        mismatch(err2, text, NULL);
    if ((text2 = config_to_text(rc2)) == NULL)
        abort();
    if (strcmp(text, text2) != 0)
        mismatch("the print of the print differs", text, text2);
    config_free(rc2);
    free(text);
    free(text2);
    return 0;
}
