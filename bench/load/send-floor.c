/*
 * The kernel's part of one SSE write, with no server around it (bench/send-floor.mjs): a parent
 * holding N loopback TCP connections sends the same small payload to each, round after round,
 * while a child process reads them all with epoll, as the fan-out benchmark's clients do. What
 * one send costs here is the floor under any server's per-client cost on this machine.
 *
 *   send-floor CLIENTS ROUNDS BYTES   ->   one line of JSON: {"clients", "bytes", "usPerSend", ...}
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void die(const char *what) {
  printf("{\"error\":\"%s: %s\"}\n", what, strerror(errno));
  exit(1);
}

static void reader(struct sockaddr_in *a, int n) {
  int ep = epoll_create1(0);
  for (int i = 0; i < n; i++) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0 || connect(s, (struct sockaddr *)a, sizeof *a) < 0) die("connect");
    fcntl(s, F_SETFL, O_NONBLOCK);
    struct epoll_event e = {.events = EPOLLIN, .data.fd = s};
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
  }
  static char buf[65536];
  struct epoll_event evs[512];
  for (;;) {
    int k = epoll_wait(ep, evs, 512, -1);
    for (int i = 0; i < k; i++)
      if (read(evs[i].data.fd, buf, sizeof buf) == 0) exit(0);
  }
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: send-floor CLIENTS ROUNDS BYTES\n");
    return 2;
  }
  int n = atoi(argv[1]), rounds = atoi(argv[2]), bytes = atoi(argv[3]);
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
  if ((rlim_t)n + 16 > rl.rlim_cur) {
    errno = EMFILE;
    die("too many clients for the open-files limit");
  }
  int ls = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  socklen_t len = sizeof a;
  if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 4096) < 0) die("listen");
  getsockname(ls, (struct sockaddr *)&a, &len);
  pid_t child = fork();
  if (child == 0) reader(&a, n);
  int *fds = malloc(n * sizeof *fds);
  for (int i = 0; i < n; i++)
    if ((fds[i] = accept(ls, NULL, NULL)) < 0) die("accept");
  char *msg = malloc(bytes);
  memset(msg, 'x', bytes);
  usleep(200000);
  double total = 0, worst = 0;
  for (int r = 0; r < rounds; r++) {
    double t0 = ms();
    for (int i = 0; i < n; i++)
      if (send(fds[i], msg, bytes, MSG_DONTWAIT | MSG_NOSIGNAL) != bytes) die("send");
    double dt = ms() - t0;
    total += dt;
    if (dt > worst) worst = dt;
    usleep(50000); /* the reader drains; a round starts with empty buffers, as a flush does */
  }
  printf("{\"clients\":%d,\"bytes\":%d,\"rounds\":%d,\"msPerRound\":%.2f,\"worstRoundMs\":%.2f,"
         "\"usPerSend\":%.2f}\n",
         n, bytes, rounds, total / rounds, worst, total / rounds * 1000 / n);
  kill(child, SIGKILL);
  return 0;
}
