/*
 * lab.h - a whole emulated network on one machine: up, down, status, exec,
 * cli and wait (the commands of vroom-lab, docs/lab.md).
 *
 * A lab's nodes are network namespaces named LAB-NODE, its links veth pairs
 * made directly inside those namespaces (nothing is ever added to the root
 * namespace). What a lab creates is recorded, line by line and before it is
 * created, in LAB_RUN_DIR/LAB/records, so `down` removes exactly the lab's
 * own namespaces and stops exactly its own processes (by PID and start time),
 * also after vroom-lab itself was killed half-way.
 */
#ifndef VROOM_LAB_LAB_H
#define VROOM_LAB_LAB_H

#include <stdio.h>
#include <sys/types.h>

#define LAB_RUN_DIR "/run/vroom-lab"

struct lab;
struct topo;
struct topo_node;

/* Bring up the lab described by the topology file. On any failure
 * everything created so far is removed again. 0, or -errno with err set. */
int lab_up(const char *file, char *err, size_t errlen);

/* Tear down lab name: stop its processes, delete its namespaces and its
 * state. Idempotent: a lab that is not up is not an error. */
int lab_down(const char *name, char *err, size_t errlen);

/* Open a lab that is up, for the commands below. lab_close(NULL) does nothing. */
int lab_open(const char *name, struct lab **out, char *err, size_t errlen);
void lab_close(struct lab *lab);

/* The lab's topology: the whole file during up; node names and kinds after lab_open. */
const struct topo *lab_topo(const struct lab *lab);

/* Print the lab's nodes, namespaces and processes (table or JSON). 0 if all is running. */
int lab_status(struct lab *lab, int json, FILE *out);

/* Run argv inside node's namespace, replacing this process. Returns only on error. */
int lab_exec(struct lab *lab, const char *node, char **argv, char *err, size_t errlen);

/* Run node's own CLI (birdc, vtysh, bgpctl) with args, replacing this process. */
int lab_cli(struct lab *lab, const char *node, int argc, char **args, char *err, size_t errlen);

/* Poll until every condition holds (0), or the timeout passes (-ETIMEDOUT,
 * err says which condition failed and what was seen), or a condition is
 * malformed (-EINVAL). Conditions are documented in docs/lab.md. */
int lab_wait(struct lab *lab, int n, char **conds, double timeout_s, char *err, size_t errlen);

/* For node kinds: the node's namespace name, its private directory under
 * the lab's state directory (created), and recording a started process. */
void lab_node_ns(const struct lab *lab, const struct topo_node *n, char *buf, size_t len);
int lab_node_dir(const struct lab *lab, const struct topo_node *n, char *buf, size_t len);
int lab_record_pid(struct lab *lab, const struct topo_node *n, const char *what, pid_t pid);

/*
 * For node kinds: run a command in the node's namespace and capture its
 * output (proc_run). Returns the exit status or -errno.
 */
int lab_node_run(const struct lab *lab, const struct topo_node *n, char *const argv[], char *out,
                 size_t outlen, int timeout_ms);

/* For node kinds: poll fn(lab, n, arg) until it returns 0 or timeout_ms passes. */
int lab_poll(struct lab *lab, const struct topo_node *n,
             int (*fn)(struct lab *, const struct topo_node *, void *), void *arg, int timeout_ms);

#endif
