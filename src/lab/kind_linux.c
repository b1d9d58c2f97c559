/*
 * kind_linux.c - a plain namespace for traffic: addresses and routes from
 * the topology, no daemon, no forwarding.
 */
#include "lab/kind.h"

const struct lab_kind kind_linux = {
    .name = "linux",
};
