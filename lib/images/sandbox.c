/* Pictures from outside, drawn in a child process.
 *
 * Why a child (fork, no exec): gdk-pixbuf, librsvg and cairo have no knob
 * that bounds the memory or the time one document takes, and a thread that
 * is stuck in a decoder cannot be stopped from outside. A child can: its
 * RLIMIT_AS bounds what it maps (an allocation past it fails, and the
 * libraries abort: the child dies, not the run), RLIMIT_CPU and alarm() end
 * it on their own if this process is gone, and the parent, reading the
 * answers from a pipe with poll(), kills it at the run's deadline whatever
 * it is doing. A decoder's crash ends the child, not the run. No exec: the
 * child already has the libraries and the bytes (copy-on-write), so there
 * is no helper binary to install and find and nothing to send it. The
 * child only decodes objects it makes, writes to its pipe and _exit()s:
 * it never touches the HTTP transfers, the store or stdio of the parent,
 * and runs no atexit handler. Header checks come first (image.h), so this
 * is the second line: it bounds what the checks cannot see (a CPU-heavy
 * SVG, a decoder's bug).
 *
 * Pictures are done in batches (one child for all the avatars of an issue)
 * because a fork and gdk-pixbuf's start cost milliseconds each: a picture
 * that fails ends its child and the next child goes on after it. */
#include "images/sandbox.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/err.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/* AddressSanitizer maps terabytes of shadow memory: RLIMIT_AS would make
 * every allocation of the child fail. Under it, the header checks and the
 * time limits bound the child. */
#if defined(__SANITIZE_ADDRESS__)
#define DG_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DG_ASAN 1
#endif
#endif

#define MESSAGE_MAX 4096   /* bytes of a message from the child */
#define SHARE_MIN_MS 2000  /* the least time an item gets when the deadline is near */

/* One answer on the pipe: the header, then `len` bytes (the result, or the
 * message when status != 0). */
typedef struct frame {
	uint64_t index;
	uint64_t len;
	int32_t status;
	int32_t tag;
} frame;

long long dg_sandbox_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- the child --- */

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

#ifndef DG_ASAN
/* Bytes the process maps now (/proc/self/statm); 0 when unknown. */
static unsigned long mapped_bytes(void)
{
	char buf[64];
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	long page = sysconf(_SC_PAGESIZE);

	if (fd >= 0)
		close(fd);
	if (n <= 0 || page <= 0)
		return 0;
	buf[n] = '\0';
	return strtoul(buf, NULL, 10) * (unsigned long)page;
}
#endif

/* The limits of a child that must be done `seconds` from now. */
static void child_limits(long seconds)
{
	struct rlimit r;
	sigset_t none;
	int null = open("/dev/null", O_RDWR);

	/* The library never prints: a decoder's complaint or an abort message goes nowhere. */
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGXCPU, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
	r.rlim_cur = r.rlim_max = 0;
	setrlimit(RLIMIT_CORE, &r);
	r.rlim_cur = (rlim_t)seconds;
	r.rlim_max = (rlim_t)seconds + 1;
	setrlimit(RLIMIT_CPU, &r);
#ifndef DG_ASAN
	{
		unsigned long now = mapped_bytes(), limit = DG_SANDBOX_MEMORY;
		/* A parent that maps much already (libraries, arenas) leaves the
		 * child room to work: what is mapped is mostly not resident. */
		if (now + 256ul * 1024ul * 1024ul > limit)
			limit = now + 256ul * 1024ul * 1024ul;
		r.rlim_cur = r.rlim_max = (rlim_t)limit;
		setrlimit(RLIMIT_AS, &r);
	}
#endif
	alarm((unsigned)seconds);
}

static void child_main(int fd, dg_sandbox_fn fn, void *ctx, size_t from, size_t n, long seconds)
{
	child_limits(seconds);
	for (size_t i = from; i < n; i++) {
		char *out = NULL;
		size_t out_len = 0;
		int tag = 0, rc;
		frame f;
		const char *msg;

		dg_err_clear();
		rc = fn(ctx, i, &out, &out_len, &tag);
		msg = dg_err_last();
		memset(&f, 0, sizeof(f));
		f.index = i;
		f.status = rc < 0;
		f.tag = tag;
		f.len = rc < 0 ? strnlen(msg, MESSAGE_MAX) : out ? out_len : 0;
		if (write_all(fd, &f, sizeof(f)) < 0 || write_all(fd, rc < 0 ? msg : out, (size_t)f.len) < 0)
			_exit(3);
		free(out);
	}
	_exit(0);
}

/* --- the parent --- */

/* Read exactly `len` bytes by `until_ms`: 0, -1 at the end of the pipe or
 * an error, -2 when the time is up. */
static int read_full(int fd, void *data, size_t len, long long until_ms)
{
	char *p = data;

	while (len) {
		long long left = until_ms - dg_sandbox_now_ms();
		struct pollfd pfd = {fd, POLLIN, 0};
		int r;
		ssize_t got;

		if (left <= 0)
			return -2;
		r = poll(&pfd, 1, left > 60000 ? 60000 : (int)left);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r <= 0)
			continue;
		got = read(fd, p, len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return -1;
		p += got;
		len -= (size_t)got;
	}
	return 0;
}

/* Wait for the child; killed when it is not gone by `until_ms`. The status. */
static int reap(pid_t pid, long long until_ms)
{
	int st = 0;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return st;
		if (r < 0 && errno != EINTR)
			return 0;
		if (r == 0 && dg_sandbox_now_ms() >= until_ms) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			return st;
		}
		if (r == 0) {
			struct timespec ts = {0, 5 * 1000000};
			nanosleep(&ts, NULL);
		}
	}
}

/* res->error = "what: why the child drawing it ended". */
static void ended(dg_sandbox_result *r, const char *what, int status, int timed_out, int run_over, long long ms)
{
	dg_buf b = DG_BUF_INIT;

	dg_buf_printf(&b, "%s: ", what ? what : "picture");
	if (run_over)
		dg_buf_puts(&b, "not drawn in time: pictures may use half of the time left to the run (--timeout)");
	else if (timed_out)
		dg_buf_printf(&b, "drawing it took over %.1f s: refused", (double)ms / 1000);
	else if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGXCPU || WTERMSIG(status) == SIGALRM ||
					 WTERMSIG(status) == SIGKILL))
		dg_buf_printf(&b, "drawing it took too long (signal %d): refused", WTERMSIG(status));
	else if (WIFSIGNALED(status))
		dg_buf_printf(&b, "the decoder failed on it (signal %d: out of memory or a broken file)",
			      WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		dg_buf_printf(&b, "the decoder failed on it (exit status %d)", WEXITSTATUS(status));
	else
		dg_buf_puts(&b, "the decoder answered nothing usable");
	free(r->error);
	r->error = dg_buf_detach(&b);   /* no cap: cannot fail */
}

void dg_sandbox_run(dg_sandbox_fn fn, void *ctx, size_t n, const char *const *what, long long deadline_ms,
		    int item_seconds, size_t out_max, dg_sandbox_result *res)
{
	size_t i = 0;
	long long start = dg_sandbox_now_ms();

	memset(res, 0, n * sizeof(*res));
	if (item_seconds < 1)
		item_seconds = 1;
	/* Half of what is left, decided once for the batch: the outputs and the
	 * publishing that follow still have time whatever the pictures are. */
	if (deadline_ms)
		deadline_ms = deadline_ms > start ? start + (deadline_ms - start) / 2 : start;
	while (i < n) {
		long long now = dg_sandbox_now_ms(), until = now + (long long)item_seconds * 1000 * (long long)(n - i);
		int fds[2], status, timed_out = 0, run_over = 0;
		long long budget_ms = 0;
		pid_t pid;

		if (deadline_ms && deadline_ms < until)
			until = deadline_ms;
		if (until <= now) {
			for (; i < n; i++)
				ended(&res[i], what ? what[i] : NULL, 0, 0, 1, 0);
			return;
		}
		if (pipe(fds) < 0) {
			fds[0] = fds[1] = -1;
			pid = -1;
		} else {
			fcntl(fds[0], F_SETFD, FD_CLOEXEC);
			pid = fork();
		}
		if (pid < 0) {
			int e = errno;
			if (fds[0] >= 0) {
				close(fds[0]);
				close(fds[1]);
			}
			for (; i < n; i++) {
				dg_buf b = DG_BUF_INIT;
				dg_buf_printf(&b, "%s: cannot start a process to draw it: %s",
					      what && what[i] ? what[i] : "picture", strerror(e));
				res[i].error = dg_buf_detach(&b);   /* no cap: cannot fail */
			}
			return;
		}
		if (pid == 0) {
			close(fds[0]);
			child_main(fds[1], fn, ctx, i, n, (long)((until - now + 999) / 1000) + 1);
		}
		close(fds[1]);
		for (; i < n; i++) {
			long long t = dg_sandbox_now_ms(), budget = (long long)item_seconds * 1000, item_until;
			frame f;
			char *data;
			int r;

			/* With a deadline each item gets its share of what is left (at
			 * least SHARE_MIN_MS): a slow one cannot starve those after it. */
			if (deadline_ms) {
				long long share = (deadline_ms - t) / (long long)(n - i);
				if (share < budget)
					budget = share > SHARE_MIN_MS ? share : SHARE_MIN_MS;
			}
			item_until = t + budget;
			if (deadline_ms && deadline_ms < item_until)
				item_until = deadline_ms;
			r = read_full(fds[0], &f, sizeof(f), item_until);
			if (r == 0 && (f.index != i || f.len > (f.status ? MESSAGE_MAX : out_max))) {
				kill(pid, SIGKILL);   /* not the answer expected: the child is broken */
				r = -1;
			}
			if (r == 0) {
				data = dg_malloc((size_t)f.len + 1);
				if ((r = read_full(fds[0], data, (size_t)f.len, item_until)) == 0) {
					data[f.len] = '\0';
					if (f.status) {
						res[i].error = data;
					} else {
						res[i].data = data;
						res[i].len = (size_t)f.len;
						res[i].tag = f.tag;
					}
					continue;
				}
				free(data);
			}
			/* At the end of the pipe the child is gone already; on time it is killed. */
			timed_out = r == -2;
			run_over = timed_out && deadline_ms && item_until >= deadline_ms;
			budget_ms = budget;
			if (timed_out)
				kill(pid, SIGKILL);
			break;
		}
		close(fds[0]);
		status = reap(pid, dg_sandbox_now_ms() + 2000);
		if (i < n) {
			ended(&res[i], what ? what[i] : NULL, status, timed_out, run_over, budget_ms);
			i++;
		}
	}
}
