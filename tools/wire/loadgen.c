/*
 * Closed-loop load generator on libzmq (not the server's own runtime).
 *
 *   loadgen -e tcp://127.0.0.1:PORT -r requests.bin [-c CLIENTS] [-w WARMUP_S] [-d SECONDS]
 *           [-m loop|once] [-C REPEAT] [-t TIMEOUT_MS] [-n MAX_PER_CLIENT] [-L] [-v]
 *           [-E ENDPOINT2 [-R REQFILE2] -s SLICE_MS]
 *
 * requests.bin: records [uint32 LE length][pickled request]. Each client is its
 * own REQ socket (own thread, own context) sending the records round-robin
 * (client i starts at record i), one at a time: a new request as soon as the
 * reply arrives. Only the -d measurement window after -w warm-up counts for
 * rate and latency; every reply is checked (non-empty; with -L identical to
 * the first reply this client got for the same record). A reply that does not
 * come within -t ms is counted as lost (the socket is REQ_RELAXED +
 * REQ_CORRELATE, so it goes on with the next request).
 *
 * -m once: one client sends every record in order, -C times; reports the
 * total time of one pass (min and median over passes) and reply sizes.
 *
 * -E ENDPOINT2 [-R REQFILE2] -s SLICE_MS: two servers measured side by side.
 * Each client also has a REQ socket on ENDPOINT2 (side b; records from
 * REQFILE2, else the same ones) and time is cut into slices of SLICE_MS: in
 * every four slices the clients load side a, b, b, a (a request belongs to the
 * side of the slice it is sent in). Both sides then see the same machine, to
 * within a slice: a drift of the shared machine's speed over seconds, which
 * moves two back-to-back runs apart by more than the gaps being measured,
 * falls on both alike. Prints {"mode": "pair", "a": {...}, "b": {...}}, each
 * side with the loop mode's figures over the time it had.
 *
 * Prints one JSON object on stdout.
 */
#include "common.h"
#include <pthread.h>
#include <unistd.h>
#include <zmq.h>

static const char *ep, *ep2;
static records_t reqs, reqs2;
static double slice_s = 0;
static int nclients = 1, learn = 0, verbose = 0, repeat = 1;
static double warm = 1, dur = 5;
static int timeout_ms = 5000;
static long max_per_client = 0;
static double t_start, t_meas, t_end;
static pthread_barrier_t barrier;

/* What one client saw of one side (a: -e, b: -E). */
typedef struct {
  hist_t h;
  uint64_t ok_total, ok_meas, lost, empty, mismatch, send_fail, reply_bytes;
  unsigned char **expect;
  size_t *expect_len;
} side_t;

typedef struct {
  int id;
  side_t side[2];
} client_t;

/* The side of slice k (0: a, 1: b): a b b a in every four slices. */
static int slice_side(long k) {
  long q = k % 4;
  return q == 1 || q == 2;
}

/* The side a request sent at time t goes to. */
static int side_at(double t) {
  return ep2 ? slice_side((long)((t - t_start) / slice_s)) : 0;
}

/* How much of [from, to) belongs to side `which`. */
static double side_time(int which, double from, double to) {
  if (!ep2) return which == 0 ? to - from : 0;
  double sum = 0;
  for (long k = (long)((from - t_start) / slice_s); t_start + (double)k * slice_s < to; k++) {
    double a = t_start + (double)k * slice_s, b = a + slice_s;
    if (a < from) a = from;
    if (b > to) b = to;
    if (b > a && slice_side(k) == which) sum += b - a;
  }
  return sum;
}

static void *make_req(void *ctx, const char *endpoint) {
  void *s = zmq_socket(ctx, ZMQ_REQ);
  int one = 1, linger = 0;
  zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt(s, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
  zmq_setsockopt(s, ZMQ_SNDTIMEO, &timeout_ms, sizeof timeout_ms);
  zmq_setsockopt(s, ZMQ_REQ_RELAXED, &one, sizeof one);
  zmq_setsockopt(s, ZMQ_REQ_CORRELATE, &one, sizeof one);
  if (zmq_connect(s, endpoint) != 0) {
    fprintf(stderr, "loadgen: connect %s: %s\n", endpoint, zmq_strerror(zmq_errno()));
    exit(1);
  }
  return s;
}

static void *client_loop(void *arg) {
  client_t *c = arg;
  void *ctx = zmq_ctx_new();
  void *s[2] = {make_req(ctx, ep), ep2 ? make_req(ctx, ep2) : NULL};
  const records_t *rq[2] = {&reqs, &reqs2};
  for (int k = 0; k < 2; k++) {
    hist_init(&c->side[k].h);
    if (learn) {
      c->side[k].expect = calloc(rq[k]->n, sizeof *c->side[k].expect);
      c->side[k].expect_len = calloc(rq[k]->n, sizeof *c->side[k].expect_len);
    }
  }
  pthread_barrier_wait(&barrier);
  size_t next[2] = {(size_t)c->id % reqs.n, (size_t)c->id % reqs2.n};
  long sent = 0;
  zmq_msg_t m;
  for (;;) {
    double t = now_s();
    if (t >= t_end) break;
    if (max_per_client && sent >= max_per_client) break;
    int k = side_at(t);
    side_t *sd = &c->side[k];
    size_t i = next[k];
    uint64_t t0 = now_us();
    if (zmq_send(s[k], rq[k]->data[i], rq[k]->len[i], 0) < 0) { sd->send_fail++; usleep(1000); continue; }
    sent++;
    zmq_msg_init(&m);
    int rc = zmq_msg_recv(&m, s[k], 0);
    uint64_t t1 = now_us();
    if (rc < 0) {
      sd->lost++;
    } else if (rc == 0) {
      sd->empty++;
    } else {
      sd->ok_total++;
      sd->reply_bytes += (uint64_t)rc;
      if (learn) {
        if (!sd->expect[i]) {
          sd->expect[i] = malloc((size_t)rc);
          memcpy(sd->expect[i], zmq_msg_data(&m), (size_t)rc);
          sd->expect_len[i] = (size_t)rc;
        } else if (sd->expect_len[i] != (size_t)rc || memcmp(sd->expect[i], zmq_msg_data(&m), (size_t)rc) != 0) {
          sd->mismatch++;
        }
      }
      double tr = now_s();
      if (t >= t_meas && tr <= t_end) {
        sd->ok_meas++;
        hist_add(&sd->h, t1 - t0);
      }
    }
    zmq_msg_close(&m);
    next[k] = (i + 1) % rq[k]->n;
  }
  zmq_close(s[0]);
  if (s[1]) zmq_close(s[1]);
  zmq_ctx_term(ctx);
  return NULL;
}

/* The loop mode's figures of one side over `window` seconds, all clients together (members of a JSON object). */
static void print_side(const client_t *cl, int which, double window) {
  hist_t all;
  hist_init(&all);
  uint64_t ok_total = 0, ok_meas = 0, lost = 0, empty = 0, mismatch = 0, send_fail = 0, bytes = 0;
  for (int i = 0; i < nclients; i++) {
    const side_t *sd = &cl[i].side[which];
    hist_merge(&all, &sd->h);
    ok_total += sd->ok_total;
    ok_meas += sd->ok_meas;
    lost += sd->lost;
    empty += sd->empty;
    mismatch += sd->mismatch;
    send_fail += sd->send_fail;
    bytes += sd->reply_bytes;
  }
  printf("\"window_s\": %.3f, \"ok_total\": %llu, \"ok_window\": %llu, "
         "\"rps\": %.1f, \"p50_us\": %.0f, \"p99_us\": %.0f, \"max_us\": %llu, \"mean_us\": %.1f, "
         "\"lost\": %llu, \"empty\": %llu, \"mismatch\": %llu, \"send_fail\": %llu, \"reply_bytes_avg\": %.1f",
         window, (unsigned long long)ok_total, (unsigned long long)ok_meas,
         window > 0 ? (double)ok_meas / window : 0.0, hist_pct(&all, 0.5), hist_pct(&all, 0.99),
         (unsigned long long)all.max_us, all.count ? (double)all.sum_us / (double)all.count : 0.0,
         (unsigned long long)lost, (unsigned long long)empty, (unsigned long long)mismatch,
         (unsigned long long)send_fail, ok_total ? (double)bytes / (double)ok_total : 0.0);
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static int run_once(void) {
  void *ctx = zmq_ctx_new();
  void *s = make_req(ctx, ep);
  hist_t h;
  hist_init(&h);
  double *pass = calloc((size_t)repeat, sizeof(double));
  uint64_t bytes = 0, maxb = 0, lost = 0, empty = 0, ok = 0;
  uint64_t *lat = verbose ? calloc(reqs.n, sizeof(uint64_t)) : NULL;
  zmq_msg_t m;
  for (int r = 0; r < repeat; r++) {
    double p0 = now_s();
    uint64_t pbytes = 0;
    for (size_t i = 0; i < reqs.n; i++) {
      uint64_t t0 = now_us();
      if (zmq_send(s, reqs.data[i], reqs.len[i], 0) < 0) { lost++; continue; }
      zmq_msg_init(&m);
      int rc = zmq_msg_recv(&m, s, 0);
      uint64_t t1 = now_us();
      if (rc < 0) lost++;
      else if (rc == 0) empty++;
      else {
        ok++;
        pbytes += (uint64_t)rc;
        if ((uint64_t)rc > maxb) maxb = (uint64_t)rc;
      }
      hist_add(&h, t1 - t0);
      if (lat && r == repeat - 1) lat[i] = t1 - t0;
      zmq_msg_close(&m);
    }
    pass[r] = now_s() - p0;
    bytes = pbytes;
  }
  double pfirst = pass[0], pmin = pass[0];
  for (int r = 1; r < repeat; r++) if (pass[r] < pmin) pmin = pass[r];
  qsort(pass, (size_t)repeat, sizeof(double), cmp_d);
  printf("{\"mode\": \"once\", \"requests\": %zu, \"passes\": %d, \"pass_first_s\": %.6f, \"pass_min_s\": %.6f, \"pass_median_s\": %.6f, "
         "\"ok\": %llu, \"lost\": %llu, \"empty\": %llu, \"reply_bytes_per_pass\": %llu, \"reply_bytes_max\": %llu, "
         "\"p50_us\": %.0f, \"p99_us\": %.0f, \"max_us\": %llu",
         reqs.n, repeat, pfirst, pmin, pass[repeat / 2], (unsigned long long)ok, (unsigned long long)lost,
         (unsigned long long)empty, (unsigned long long)bytes, (unsigned long long)maxb, hist_pct(&h, 0.5),
         hist_pct(&h, 0.99), (unsigned long long)h.max_us);
  if (lat) {
    printf(", \"latencies_us\": [");
    for (size_t i = 0; i < reqs.n; i++) printf("%s%llu", i ? ", " : "", (unsigned long long)lat[i]);
    printf("]");
  }
  printf("}\n");
  zmq_close(s);
  zmq_ctx_term(ctx);
  return lost || empty ? 3 : 0;
}

int main(int argc, char **argv) {
  const char *reqfile = NULL, *mode = "loop";
  int c;
  const char *reqfile2 = NULL;
  while ((c = getopt(argc, argv, "e:r:E:R:s:c:w:d:m:C:t:n:Lv")) != -1) {
    switch (c) {
      case 'e': ep = optarg; break;
      case 'r': reqfile = optarg; break;
      case 'E': ep2 = optarg; break;
      case 'R': reqfile2 = optarg; break;
      case 's': slice_s = atof(optarg) / 1000.0; break;
      case 'c': nclients = atoi(optarg); break;
      case 'w': warm = atof(optarg); break;
      case 'd': dur = atof(optarg); break;
      case 'm': mode = optarg; break;
      case 'C': repeat = atoi(optarg); break;
      case 't': timeout_ms = atoi(optarg); break;
      case 'n': max_per_client = atol(optarg); break;
      case 'L': learn = 1; break;
      case 'v': verbose = 1; break;
      default: return 2;
    }
  }
  if (!ep || !reqfile || nclients < 1 || repeat < 1 || (ep2 && (slice_s <= 0 || strcmp(mode, "loop") != 0))) {
    fprintf(stderr, "usage: loadgen -e ENDPOINT -r REQFILE [-c N] [-w S] [-d S] [-m loop|once] [-C K] [-t MS] [-n MAX] [-L] [-v]\n"
                    "               [-E ENDPOINT2 [-R REQFILE2] -s SLICE_MS]   (loop mode only)\n");
    return 2;
  }
  if (read_records(reqfile, &reqs) != 0 || reqs.n == 0) { fprintf(stderr, "loadgen: no requests in %s\n", reqfile); return 2; }
  if (reqfile2 && (read_records(reqfile2, &reqs2) != 0 || reqs2.n == 0)) { fprintf(stderr, "loadgen: no requests in %s\n", reqfile2); return 2; }
  if (!reqfile2) reqs2 = reqs;
  if (strcmp(mode, "once") == 0) return run_once();

  client_t *cl = calloc((size_t)nclients, sizeof *cl);
  pthread_t *th = calloc((size_t)nclients, sizeof *th);
  pthread_barrier_init(&barrier, NULL, (unsigned)nclients + 1);
  for (int i = 0; i < nclients; i++) {
    cl[i].id = i;
    pthread_create(&th[i], NULL, client_loop, &cl[i]);
  }
  t_start = now_s();
  t_meas = t_start + warm;
  t_end = t_meas + dur;
  pthread_barrier_wait(&barrier);
  for (int i = 0; i < nclients; i++) pthread_join(th[i], NULL);
  double t_stop = now_s();
  if (t_stop > t_end) t_stop = t_end;
  if (!ep2) {
    printf("{\"mode\": \"loop\", \"clients\": %d, ", nclients);
    print_side(cl, 0, t_stop > t_meas ? t_stop - t_meas : 0);
    printf("}\n");
  } else {
    printf("{\"mode\": \"pair\", \"clients\": %d, \"slice_s\": %.3f, \"a\": {", nclients, slice_s);
    print_side(cl, 0, t_stop > t_meas ? side_time(0, t_meas, t_stop) : 0);
    printf("}, \"b\": {");
    print_side(cl, 1, t_stop > t_meas ? side_time(1, t_meas, t_stop) : 0);
    printf("}}\n");
  }
  return 0;
}
