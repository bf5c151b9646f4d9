/*
 * The physical baseline: a raw libzmq REP server answering every request with
 * its own bytes, single-threaded like pyrogue's worker. Bounded: exits after
 * -d seconds (default 600) or on SIGTERM/SIGINT.
 *
 *   echo -e tcp://127.0.0.1:PORT [-d SECONDS]
 */
#include "common.h"
#include <signal.h>
#include <unistd.h>
#include <zmq.h>

static volatile sig_atomic_t stop_flag = 0;
static void on_sig(int s) { (void)s; stop_flag = 1; }

int main(int argc, char **argv) {
  const char *ep = NULL;
  double dur = 600;
  int c;
  while ((c = getopt(argc, argv, "e:d:")) != -1) {
    if (c == 'e') ep = optarg;
    else if (c == 'd') dur = atof(optarg);
    else return 2;
  }
  if (!ep) { fprintf(stderr, "usage: echo -e ENDPOINT [-d SECONDS]\n"); return 2; }
  signal(SIGTERM, on_sig);
  signal(SIGINT, on_sig);
  void *ctx = zmq_ctx_new();
  void *s = zmq_socket(ctx, ZMQ_REP);
  int linger = 0, tmo = 100;
  zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
  if (zmq_bind(s, ep) != 0) { fprintf(stderr, "echo: bind %s: %s\n", ep, zmq_strerror(zmq_errno())); return 1; }
  printf("{\"ready\": true}\n");
  fflush(stdout);
  double end = now_s() + dur;
  uint64_t n = 0;
  zmq_msg_t m;
  while (!stop_flag && now_s() < end) {
    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, s, 0) < 0) { zmq_msg_close(&m); continue; }
    zmq_msg_send(&m, s, 0); /* takes ownership */
    n++;
  }
  zmq_close(s);
  zmq_ctx_term(ctx);
  fprintf(stderr, "echo: answered %llu\n", (unsigned long long)n);
  return 0;
}
