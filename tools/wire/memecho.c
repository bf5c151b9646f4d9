/*
 * The physical baseline of the memory-bridge bench: raw libzmq PUSH/PULL with the
 * bridge's frames, no memory behind them.
 *
 *   memecho -s -p PORT [-d SECONDS]          server: PULL bound on PORT, PUSH bound on PORT+1;
 *                                            every request (4 header frames) is answered with
 *                                            its header, `size` zero bytes and "OK"
 *   memecho -c -p PORT -n INFLIGHT -t SECS   client: 4-byte reads, INFLIGHT outstanding, for
 *                                            SECS seconds; prints {"tps": N, "inflight": N}
 */
#include "common.h"
#include <signal.h>
#include <unistd.h>
#include <zmq.h>

static volatile sig_atomic_t stop_flag = 0;
static void on_sig(int s) { (void)s; stop_flag = 1; }

static int serve(int port, double dur) {
  void *ctx = zmq_ctx_new();
  void *pull = zmq_socket(ctx, ZMQ_PULL);
  void *push = zmq_socket(ctx, ZMQ_PUSH);
  int linger = 0, tmo = 100;
  zmq_setsockopt(pull, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt(push, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt(pull, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
  char ep[64];
  snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port + 1);
  if (zmq_bind(push, ep) != 0) { fprintf(stderr, "memecho: bind %s: %s\n", ep, zmq_strerror(zmq_errno())); return 1; }
  snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port);
  if (zmq_bind(pull, ep) != 0) { fprintf(stderr, "memecho: bind %s: %s\n", ep, zmq_strerror(zmq_errno())); return 1; }
  printf("{\"ready\": true}\n");
  fflush(stdout);
  double end = now_s() + dur;
  unsigned char zeros[4096] = {0};
  while (!stop_flag && now_s() < end) {
    zmq_msg_t m[8];
    int n = 0, more = 1;
    while (more && n < 8) {
      zmq_msg_init(&m[n]);
      if (zmq_msg_recv(&m[n], pull, 0) < 0) { zmq_msg_close(&m[n]); break; }
      more = zmq_msg_more(&m[n]);
      n++;
    }
    if (n == 0) continue;
    if (n >= 4 && zmq_msg_size(&m[2]) == 4) {
      uint32_t size;
      memcpy(&size, zmq_msg_data(&m[2]), 4);
      if (size > sizeof zeros) size = 0;
      for (int i = 0; i < 4; i++) zmq_msg_send(&m[i], push, ZMQ_SNDMORE);
      zmq_send(push, zeros, size, ZMQ_SNDMORE);
      zmq_send(push, "OK", 2, 0);
      for (int i = 4; i < n; i++) zmq_msg_close(&m[i]);
    } else {
      for (int i = 0; i < n; i++) zmq_msg_close(&m[i]);
    }
  }
  zmq_close(pull);
  zmq_close(push);
  zmq_ctx_term(ctx);
  return 0;
}

static void send_read(void *push, uint32_t id) {
  uint64_t addr = 4;
  uint32_t size = 4, type = 1;
  zmq_send(push, &id, 4, ZMQ_SNDMORE);
  zmq_send(push, &addr, 8, ZMQ_SNDMORE);
  zmq_send(push, &size, 4, ZMQ_SNDMORE);
  zmq_send(push, &type, 4, 0);
}

static int load(int port, int inflight, double secs) {
  void *ctx = zmq_ctx_new();
  void *push = zmq_socket(ctx, ZMQ_PUSH);
  void *pull = zmq_socket(ctx, ZMQ_PULL);
  int linger = 0, one = 1, tmo = 1000;
  zmq_setsockopt(push, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt(pull, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt(push, ZMQ_IMMEDIATE, &one, sizeof one);
  zmq_setsockopt(pull, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
  char ep[64];
  snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port);
  zmq_connect(push, ep);
  snprintf(ep, sizeof ep, "tcp://127.0.0.1:%d", port + 1);
  zmq_connect(pull, ep);
  usleep(200000);
  uint32_t id = 1;
  for (int i = 0; i < inflight; i++) send_read(push, id++);
  uint64_t done = 0;
  double start = now_s(), end = start + secs;
  while (now_s() < end) {
    zmq_msg_t m;
    int more = 1, got = 0;
    while (more) {
      zmq_msg_init(&m);
      if (zmq_msg_recv(&m, pull, 0) < 0) { zmq_msg_close(&m); break; }
      more = zmq_msg_more(&m);
      zmq_msg_close(&m);
      got = 1;
    }
    if (!got) { fprintf(stderr, "memecho: no response\n"); return 1; }
    done++;
    send_read(push, id++);
  }
  double el = now_s() - start;
  printf("{\"tps\": %.1f, \"inflight\": %d}\n", done / el, inflight);
  zmq_close(push);
  zmq_close(pull);
  zmq_ctx_term(ctx);
  return 0;
}

int main(int argc, char **argv) {
  int server = 0, client = 0, port = 0, inflight = 1;
  double dur = 600, secs = 2;
  int c;
  while ((c = getopt(argc, argv, "scp:d:n:t:")) != -1) {
    if (c == 's') server = 1;
    else if (c == 'c') client = 1;
    else if (c == 'p') port = atoi(optarg);
    else if (c == 'd') dur = atof(optarg);
    else if (c == 'n') inflight = atoi(optarg);
    else if (c == 't') secs = atof(optarg);
    else return 2;
  }
  if (port <= 0 || server == client) { fprintf(stderr, "usage: memecho -s -p PORT [-d S] | -c -p PORT -n INFLIGHT -t S\n"); return 2; }
  signal(SIGTERM, on_sig);
  signal(SIGINT, on_sig);
  return server ? serve(port, dur) : load(port, inflight, secs);
}
