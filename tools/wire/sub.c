/*
 * Publish-side counter: N SUB sockets subscribed to everything, counting
 * frames (optionally only those containing -m MARK).
 *
 *   sub -e tcp://127.0.0.1:PORT [-n SUBS] [-d MAX_SECONDS] [-i IDLE_MS] [-m MARK] [-s STALLED] [-H RCVHWM]
 *
 * The N sockets are N separate connections (N subscribers as the server sees
 * them), read by one thread with zmq_poll on one context with one I/O thread:
 * on a 2-core machine a thread and an I/O thread per subscriber would take
 * the CPU the server under test needs, and the bench would measure its own
 * subscribers.
 * Each subscriber stops after -d seconds, or -i ms without a frame once it
 * got its first one. The first -s subscribers stop reading after their first
 * frame (a stalled subscriber) and just hold the socket open until the end.
 * Prints {"ready": true} once connected, then one JSON object at the end.
 */
#include "common.h"
#include <unistd.h>
#include <zmq.h>

typedef struct {
  void *s;
  int done, stall;
  uint64_t frames, bytes, other;
  double first, last;
} subst_t;

int main(int argc, char **argv) {
  const char *ep = NULL, *mark = NULL;
  size_t mark_len = 0;
  int nsubs = 1, stalled = 0, rcvhwm = 1000, idle_ms = 2000, c;
  double max_dur = 30;
  while ((c = getopt(argc, argv, "e:n:d:i:m:s:H:")) != -1) {
    switch (c) {
      case 'e': ep = optarg; break;
      case 'n': nsubs = atoi(optarg); break;
      case 'd': max_dur = atof(optarg); break;
      case 'i': idle_ms = atoi(optarg); break;
      case 'm': mark = optarg; mark_len = strlen(optarg); break;
      case 's': stalled = atoi(optarg); break;
      case 'H': rcvhwm = atoi(optarg); break;
      default: return 2;
    }
  }
  if (!ep || nsubs < 1) { fprintf(stderr, "usage: sub -e ENDPOINT [-n N] [-d S] [-i MS] [-m MARK] [-s STALLED] [-H HWM]\n"); return 2; }
  void *ctx = zmq_ctx_new();
  subst_t *st = calloc((size_t)nsubs, sizeof *st);
  zmq_pollitem_t *items = calloc((size_t)nsubs, sizeof *items);
  int *idx = calloc((size_t)nsubs, sizeof *idx);
  for (int i = 0; i < nsubs; i++) {
    void *s = zmq_socket(ctx, ZMQ_SUB);
    int linger = 0;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(s, ZMQ_RCVHWM, &rcvhwm, sizeof rcvhwm);
    zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0);
    zmq_connect(s, ep);
    st[i].s = s;
    st[i].stall = i < stalled;
  }
  double t_end = now_s() + max_dur;
  printf("{\"ready\": true}\n");
  fflush(stdout);
  zmq_msg_t m;
  for (;;) {
    double t = now_s();
    if (t >= t_end) break;
    int n = 0;
    for (int i = 0; i < nsubs; i++) {
      subst_t *x = &st[i];
      if (x->done) continue;
      if (x->frames > 0 && x->stall) continue; /* holds the socket, reads no more */
      if (x->frames > 0 && (t - x->last) * 1000.0 > idle_ms) { x->done = 1; continue; }
      items[n].socket = x->s;
      items[n].events = ZMQ_POLLIN;
      items[n].revents = 0;
      idx[n++] = i;
    }
    if (n == 0) {
      int waiting = 0;
      for (int i = 0; i < nsubs; i++) waiting |= !st[i].done;
      if (!waiting) break;
      usleep(20000); /* only stalled subscribers are left: hold until the end */
      continue;
    }
    if (zmq_poll(items, n, 50) <= 0) continue;
    for (int k = 0; k < n; k++) {
      if (!(items[k].revents & ZMQ_POLLIN)) continue;
      subst_t *x = &st[idx[k]];
      /* Drain what is queued on this socket, a stalled subscriber only its first frame. */
      for (;;) {
        zmq_msg_init(&m);
        int rc = zmq_msg_recv(&m, x->s, ZMQ_DONTWAIT);
        if (rc < 0) { zmq_msg_close(&m); break; }
        double tr = now_s();
        if (!mark || memmem(zmq_msg_data(&m), (size_t)rc, mark, mark_len)) {
          if (x->frames == 0) x->first = tr;
          x->last = tr;
          x->frames++;
          x->bytes += (uint64_t)rc;
        } else {
          x->other++;
        }
        zmq_msg_close(&m);
        if (x->stall && x->frames > 0) break;
      }
    }
  }
  printf("{\"subscribers\": [");
  for (int i = 0; i < nsubs; i++) {
    double span = st[i].last - st[i].first;
    printf("%s{\"frames\": %llu, \"other\": %llu, \"bytes\": %llu, \"span_s\": %.4f, \"fps\": %.1f, \"stalled\": %s}", i ? ", " : "",
           (unsigned long long)st[i].frames, (unsigned long long)st[i].other, (unsigned long long)st[i].bytes, span,
           span > 0 ? (double)(st[i].frames - 1) / span : 0.0, i < stalled ? "true" : "false");
    zmq_close(st[i].s);
  }
  printf("]}\n");
  zmq_ctx_term(ctx);
  return 0;
}
