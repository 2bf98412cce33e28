/*
 * The lean load process of bench/server-latency.mjs (`--load c`): one epoll loop holding many
 * SSE clients of taillight, each parsing every `"L<seq>@<ms>` token it receives (latency and
 * order for every line at every client, not a sample). The Node load process costs about as much
 * CPU per client as the server does; on a 2-core box it takes the core a second worker would
 * use, so the server's figures end up measuring the load generator. This one costs a fraction.
 *
 *   sse-load HOST PORT PATH CLIENTS [READ_EVERY_US]
 *
 * READ_EVERY_US (default 0): once every client is ready, sleep this long after each pass over
 * the ready sockets that was not a full one. Why: on loopback the server's send(2) runs the
 * receiver's TCP input too, and wakes the receiver if it sleeps in epoll_wait; a load process
 * that is woken by nearly every send makes the server pay a wake-up per send (about a sixth of
 * its CPU at 10,000 clients, measured with perf), which a browser on another host never costs
 * it. Sleeping between passes (not in epoll_wait) leaves no waiter to wake. The latency of a
 * line then includes up to that long of waiting in this process: it errs against the server.
 *
 * stdin, one command a line: `measure` (CPU and wall clock from now), `expect N` (lines 0..N-1
 * will come), `report`. stdout: `ready` once every client has its init event; `done {json}` once
 * every client has line N-1 (or on `report`): counts, CPU, and the latency histogram as sparse
 * [bucket, count] pairs (0.1 ms buckets up to 10 s, as bench/lib/percentiles.mjs) for the parent
 * to merge across processes. Errors: `error <text>` on stdout and exit 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PER_MS 10
#define BUCKETS (10000 * PER_MS)
#define PRE_MAX 65536
#define CARRY_MAX 48
#define CONNECTING_MAX 256

typedef struct {
  int fd;
  uint8_t phase; /* 0 connecting, 1 head, 2 body */
  uint8_t ready, chunked, closed;
  int64_t left;  /* data bytes left in the current chunk */
  uint8_t skip;  /* bytes of the CRLF after a chunk still to skip */
  uint8_t szlen; /* chunk-size line so far */
  char sz[24];
  char *pre; /* head, then body bytes, until the init event is complete */
  uint32_t prelen;
  uint8_t carrylen; /* a token cut by the end of a read */
  char carry[CARRY_MAX];
  int64_t next;
  uint64_t ooo;
} client;

static client *cs;
static int nclients, nready, connected, ndone, reported;
static int64_t expected = -1;
static uint64_t hist[BUCKETS], delivered, ooo_total;
static double maxms, t_measure, cpu_measure;
static double now_ms; /* the arrival time of the bytes being parsed */
static struct sockaddr_in addr;
static char request[512];
static int request_len, ep;

static double wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static void fail(const char *what, int err) {
  printf("error %s: %s\n", what, strerror(err));
  fflush(stdout);
  exit(1);
}

static void report(void) {
  if (reported) return;
  reported = 1;
  int verified = 0;
  for (int i = 0; i < nclients; i++)
    if (cs[i].next == expected && cs[i].ooo == 0 && !cs[i].closed) verified++;
  printf("done {\"clients\":%d,\"verified\":%d,\"outOfOrder\":%llu,\"delivered\":%llu,"
         "\"max\":%.3f,\"cpuMs\":%.1f,\"wallMs\":%.1f,\"hist\":[",
         nclients, verified, (unsigned long long)ooo_total, (unsigned long long)delivered, maxms,
         cpu_ms() - cpu_measure, wall_ms() - t_measure);
  int first = 1;
  for (int i = 0; i < BUCKETS; i++) {
    if (!hist[i]) continue;
    printf("%s[%d,%llu]", first ? "" : ",", i, (unsigned long long)hist[i]);
    first = 0;
  }
  printf("]}\n");
  fflush(stdout);
}

static void record(client *c, int64_t seq, double ms) {
  if (reported) return;
  if (seq != c->next) c->ooo++, ooo_total++;
  c->next = seq + 1;
  delivered++;
  double lat = now_ms - ms;
  if (lat > maxms) maxms = lat;
  long b = (long)(lat * PER_MS);
  hist[b < 0 ? 0 : b >= BUCKETS ? BUCKETS - 1 : b]++;
  if (expected >= 0 && c->next == expected && ++ndone == nclients) report();
}

/* Every `"L<seq>@<ms>` in b; a token the end cuts goes to the client's carry. */
static void scan(client *c, const char *b, size_t n) {
  const char *end = b + n, *p = b;
  c->carrylen = 0;
  while ((p = memchr(p, '"', end - p))) {
    const char *q = p + 1;
    if (q == end) break;
    if (*q != 'L') { p = q; continue; }
    int64_t seq = 0;
    const char *d = ++q;
    while (q < end && *q >= '0' && *q <= '9') seq = seq * 10 + (*q++ - '0');
    if (q == end) break;
    if (q == d || *q != '@') { p = q; continue; }
    double ms = 0, scale = 0;
    d = ++q;
    for (; q < end && ((*q >= '0' && *q <= '9') || *q == '.'); q++) {
      if (*q == '.') scale = 1;
      else if (scale) ms += (*q - '0') * (scale /= 10);
      else ms = ms * 10 + (*q - '0');
    }
    if (q == end) break;
    if (q != d) record(c, seq, ms);
    p = q;
  }
  /* p: the quote of a cut token (or NULL: nothing cut) */
  if (p && end - p < CARRY_MAX) {
    c->carrylen = (uint8_t)(end - p);
    memcpy(c->carry, p, c->carrylen);
  }
}

static void tokens(client *c, const char *b, size_t n) {
  if (!c->carrylen) return scan(c, b, n);
  static char *work;
  static size_t cap;
  if (cap < n + CARRY_MAX) work = realloc(work, cap = n + CARRY_MAX + 65536);
  memcpy(work, c->carry, c->carrylen);
  memcpy(work + c->carrylen, b, n);
  scan(c, work, c->carrylen + n);
}

static void append_pre(client *c, const char *b, size_t n) {
  if (c->prelen + n > PRE_MAX) fail("a response head or init event over 64 KiB", EMSGSIZE);
  if (!c->pre) c->pre = malloc(PRE_MAX);
  memcpy(c->pre + c->prelen, b, n);
  c->prelen += n;
}

/* Body bytes, dechunked: held until the init event ends, then scanned for tokens. */
static void body_bytes(client *c, const char *b, size_t n) {
  if (c->ready) return tokens(c, b, n);
  append_pre(c, b, n);
  char *init = memmem(c->pre, c->prelen, "event: init", 11);
  char *end = init ? memmem(init, c->prelen - (init - c->pre), "\n\n", 2) : NULL;
  if (!end) return;
  c->ready = 1;
  size_t from = end + 2 - c->pre, rest = c->prelen - from;
  char *pre = c->pre;
  c->pre = NULL;
  c->prelen = 0;
  if (++nready == nclients) printf("ready\n"), fflush(stdout);
  if (rest) tokens(c, pre + from, rest);
  free(pre);
}

static void body(client *c, const char *b, size_t n) {
  if (!c->chunked) return body_bytes(c, b, n);
  while (n) {
    if (c->left) {
      size_t take = (size_t)c->left < n ? (size_t)c->left : n;
      body_bytes(c, b, take);
      b += take, n -= take, c->left -= take;
      if (!c->left) c->skip = 2;
    } else if (c->skip) {
      c->skip--, b++, n--;
    } else {
      char ch = *b++;
      n--;
      if (ch != '\n') {
        if (c->szlen < sizeof c->sz - 1) c->sz[c->szlen++] = ch;
        continue;
      }
      c->sz[c->szlen] = 0;
      c->szlen = 0;
      c->left = strtoll(c->sz, NULL, 16);
      if (!c->left) c->closed = 1; /* the last chunk: the server ended the stream */
    }
  }
}

static void head(client *c, const char *b, size_t n) {
  append_pre(c, b, n);
  char *end = memmem(c->pre, c->prelen, "\r\n\r\n", 4);
  if (!end) return;
  *end = 0;
  if (strncmp(c->pre, "HTTP/1.1 200", 12) != 0) {
    printf("error response: %.200s\n", c->pre);
    fflush(stdout);
    exit(1);
  }
  c->chunked = strcasestr(c->pre, "\r\ntransfer-encoding: chunked") != NULL;
  size_t from = end + 4 - c->pre, rest = c->prelen - from;
  char *pre = c->pre;
  c->pre = NULL;
  c->prelen = 0;
  c->phase = 2;
  if (rest) body(c, pre + from, rest);
  free(pre);
}

static int opened;

static void open_next(void) {
  while (opened < nclients && opened - connected < CONNECTING_MAX) {
    client *c = &cs[opened];
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) fail("socket", errno);
    if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS)
      fail("connect", errno);
    struct epoll_event ev = {.events = EPOLLOUT, .data.u32 = (uint32_t)opened + 1};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) fail("epoll_ctl", errno);
    opened++;
  }
}

static void writable(client *c, uint32_t idx) {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err) fail("connect", err);
  if (write(c->fd, request, request_len) != request_len) fail("write request", errno);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = idx};
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
  c->phase = 1;
  connected++;
  open_next();
}

static void command(char *line) {
  if (!strcmp(line, "measure")) {
    t_measure = wall_ms();
    cpu_measure = cpu_ms();
  } else if (!strncmp(line, "expect ", 7)) {
    expected = atoll(line + 7);
    ndone = 0;
    for (int i = 0; i < nclients; i++) ndone += cs[i].next >= expected;
    if (ndone == nclients) report();
  } else if (!strcmp(line, "report")) {
    report();
  }
}

static void read_stdin(void) {
  static char buf[256];
  static size_t len;
  ssize_t r = read(0, buf + len, sizeof buf - 1 - len);
  if (r <= 0) exit(0); /* the parent is gone */
  len += r;
  char *nl;
  while ((nl = memchr(buf, '\n', len))) {
    *nl = 0;
    command(buf);
    len -= nl + 1 - buf;
    memmove(buf, nl + 1, len);
  }
}

int main(int argc, char **argv) {
  if (argc != 5 && argc != 6) {
    fprintf(stderr, "usage: sse-load HOST PORT PATH CLIENTS [READ_EVERY_US]\n");
    return 2;
  }
  nclients = atoi(argv[4]);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)atoi(argv[2]));
  if (nclients <= 0 || inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) {
    fprintf(stderr, "sse-load: bad host or client count\n");
    return 2;
  }
  request_len = snprintf(request, sizeof request,
                         "GET %s HTTP/1.1\r\nHost: %s:%s\r\nAccept: text/event-stream\r\n\r\n",
                         argv[3], argv[1], argv[2]);
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  if ((rlim_t)nclients + 16 > rl.rlim_cur) fail("too many clients for the open-files limit", EMFILE);
  cs = calloc(nclients, sizeof *cs);
  ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 0};
  epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev);
  t_measure = wall_ms();
  cpu_measure = cpu_ms();
  open_next();
  static char buf[262144];
  struct epoll_event evs[512];
  long read_every_us = argc == 6 ? atol(argv[5]) : 0;
  for (;;) {
    int n = epoll_wait(ep, evs, 512, -1);
    if (n < 0 && errno != EINTR) fail("epoll_wait", errno);
    for (int i = 0; i < n; i++) {
      uint32_t idx = evs[i].data.u32;
      if (!idx) {
        read_stdin();
        continue;
      }
      client *c = &cs[idx - 1];
      if (c->phase == 0) {
        writable(c, idx);
        continue;
      }
      ssize_t r = recv(c->fd, buf, sizeof buf, 0);
      if (r <= 0) {
        if (r < 0 && errno == EAGAIN) continue;
        c->closed = 1;
        epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
        continue;
      }
      now_ms = wall_ms();
      if (c->phase == 1) head(c, buf, r);
      else body(c, buf, r);
    }
    if (read_every_us > 0 && n < 512 && nready == nclients) {
      struct timespec d = {read_every_us / 1000000, read_every_us % 1000000 * 1000};
      nanosleep(&d, NULL);
    }
  }
}
