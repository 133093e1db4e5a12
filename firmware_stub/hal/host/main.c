/* The host hardware layer: the board on a pseudo-terminal (default: prints
 * its path, for `hilander hil --port PATH`) or on standard input and output.
 *
 *   hilander-fw [--stdio] [--name NAME]
 *
 * Stops on SIGINT or SIGTERM and prints its counters to standard error. */
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "hl_board.h"

static volatile sig_atomic_t stop;
static hl_board_t board; /* large: static, not on the stack */

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static void write_all(void *ctx, const uint8_t *data, size_t n)
{
    int fd = *(int *)ctx;
    while (n > 0) {
        ssize_t k = write(fd, data, n);
        if (k < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return; /* the host went away: drop the frame, the host resends */
        }
        data += k;
        n -= (size_t)k;
    }
}

static uint32_t micros(void *ctx)
{
    struct timespec t;
    (void)ctx;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint32_t)((uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u);
}

/* a pseudo-terminal in raw mode; the slave stays open so the master never hangs up */
static int open_pty(int *slave)
{
    struct termios raw;
    const char *path;
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return -1;
    path = ptsname(master);
    if (path == NULL) return -1;
    *slave = open(path, O_RDWR | O_NOCTTY);
    if (*slave < 0 || tcgetattr(*slave, &raw) != 0) return -1;
    cfmakeraw(&raw);
    if (tcsetattr(*slave, TCSANOW, &raw) != 0) return -1;
    printf("%s\n", path);
    fflush(stdout);
    return master;
}

int main(int argc, char **argv)
{
    int in_fd, out_fd, slave = -1, i, use_stdio = 0;
    const char *name = "hilander-fw host";
    hl_board_io_t io;
    struct pollfd p;
    uint8_t buf[4096];
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--stdio") == 0) {
            use_stdio = 1;
        } else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
            name = argv[++i];
        } else {
            fprintf(stderr, "hilander-fw: usage: hilander-fw [--stdio] [--name NAME]\n");
            return 2;
        }
    }
    if (use_stdio) {
        in_fd = 0;
        out_fd = 1;
    } else {
        in_fd = out_fd = open_pty(&slave);
        if (in_fd < 0) {
            fprintf(stderr, "hilander-fw: cannot open a pseudo-terminal: %s\n", strerror(errno));
            return 1;
        }
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    io.write = write_all;
    io.micros = micros;
    io.ctx = &out_fd;
    io.cost_counter = 0;
    io.cost_of_counts = 0;
    io.stack_high_water_B = 0;
    io.info = 0;
    hl_board_init(&board, io, name);
    p.fd = in_fd;
    p.events = POLLIN;
    while (!stop) {
        if (poll(&p, 1, 10) > 0) {
            ssize_t n = read(in_fd, buf, sizeof buf);
            if (n > 0) {
                hl_board_push(&board, buf, (size_t)n);
            } else if (n == 0 && use_stdio) {
                break; /* end of input */
            }
        }
        hl_board_poll(&board);
    }
    fprintf(stderr, "hilander-fw: stopped: %lu frames received, %lu CRC errors, %lu resyncs, "
            "%lu injected resets\n", (unsigned long)board.decoder.counters.frames,
            (unsigned long)board.decoder.counters.crc_errors,
            (unsigned long)board.decoder.counters.resyncs, (unsigned long)board.resets);
    if (slave >= 0) close(slave);
    return 0;
}
