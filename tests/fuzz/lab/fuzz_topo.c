/*
 * fuzz_topo.c - libFuzzer harness for the topology loader (src/lab/topo.c):
 * any byte string is either a topology or an error message, never a crash,
 * a leak or a hang.
 */
#include "lab/topo.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[TOPO_ERR_MAX];
    struct topo *t;

    /* basedir /nonexistent: config files never exist, so the loader never reads outside. */
    if (topo_load_buffer((const char *)data, size, "fuzz.yaml", "/nonexistent", &t, err,
                         sizeof(err)) == 0)
        topo_free(t);
    return 0;
}
