/*
 * Publish-side counter: N SUB sockets (own thread each) subscribed to
 * everything, counting frames (optionally only those containing -m MARK).
 *
 *   sub -e tcp://127.0.0.1:PORT [-n SUBS] [-d MAX_SECONDS] [-i IDLE_MS] [-m MARK] [-s STALLED] [-H RCVHWM]
 *
 * Each subscriber stops after -d seconds, or -i ms without a frame once it
 * got its first one. The first -s subscribers stop reading after their first
 * frame (a stalled subscriber) and just hold the socket open until the end.
 * Prints {"ready": true} once connected, then one JSON object at the end.
 */
#include "common.h"
#include <pthread.h>
#include <unistd.h>
#include <zmq.h>

static const char *ep, *mark;
static size_t mark_len;
static int nsubs = 1, stalled = 0, rcvhwm = 1000;
static double max_dur = 30;
static int idle_ms = 2000;
static double t_end;
static pthread_barrier_t barrier;

typedef struct {
  int id;
  uint64_t frames, bytes, other;
  double first, last;
} subst_t;

static void *sub_loop(void *arg) {
  subst_t *st = arg;
  void *ctx = zmq_ctx_new();
  void *s = zmq_socket(ctx, ZMQ_SUB);
  int linger = 0, tmo = 50;
  zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
  zmq_setsockopt(s, ZMQ_RCVHWM, &rcvhwm, sizeof rcvhwm);
  zmq_setsockopt(s, ZMQ_SUBSCRIBE, "", 0);
  zmq_connect(s, ep);
  pthread_barrier_wait(&barrier);
  int stall = st->id < stalled;
  zmq_msg_t m;
  for (;;) {
    double t = now_s();
    if (t >= t_end) break;
    if (st->frames > 0 && (t - st->last) * 1000.0 > idle_ms && !stall) break;
    if (stall && st->frames > 0) { usleep(20000); continue; }
    zmq_msg_init(&m);
    int rc = zmq_msg_recv(&m, s, 0);
    if (rc >= 0) {
      double tr = now_s();
      if (!mark || memmem(zmq_msg_data(&m), (size_t)rc, mark, mark_len)) {
        if (st->frames == 0) st->first = tr;
        st->last = tr;
        st->frames++;
        st->bytes += (uint64_t)rc;
      } else {
        st->other++;
      }
    }
    zmq_msg_close(&m);
  }
  zmq_close(s);
  zmq_ctx_term(ctx);
  return NULL;
}

int main(int argc, char **argv) {
  int c;
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
  subst_t *st = calloc((size_t)nsubs, sizeof *st);
  pthread_t *th = calloc((size_t)nsubs, sizeof *th);
  pthread_barrier_init(&barrier, NULL, (unsigned)nsubs + 1);
  t_end = now_s() + max_dur;
  for (int i = 0; i < nsubs; i++) {
    st[i].id = i;
    pthread_create(&th[i], NULL, sub_loop, &st[i]);
  }
  pthread_barrier_wait(&barrier);
  printf("{\"ready\": true}\n");
  fflush(stdout);
  printf("{\"subscribers\": [");
  for (int i = 0; i < nsubs; i++) {
    pthread_join(th[i], NULL);
    double span = st[i].last - st[i].first;
    printf("%s{\"frames\": %llu, \"other\": %llu, \"bytes\": %llu, \"span_s\": %.4f, \"fps\": %.1f, \"stalled\": %s}", i ? ", " : "",
           (unsigned long long)st[i].frames, (unsigned long long)st[i].other, (unsigned long long)st[i].bytes, span,
           span > 0 ? (double)(st[i].frames - 1) / span : 0.0, i < stalled ? "true" : "false");
  }
  printf("]}\n");
  return 0;
}
