/* curl takes a non-blocking connect()'s EAGAIN for EINPROGRESS. On Linux an AF_UNIX
 * connect() answers EAGAIN when the listener's backlog is full: nothing is in progress,
 * yet curl waits for the socket, then reports CURLE_COULDNT_CONNECT with
 * CURLINFO_OS_ERRNO 0, so the caller never learns why (EAGAIN: try again later).
 *
 *   cc curl-eagain-as-in-progress.c -lcurl -o eagain && ./eagain
 *
 * The kernel alone makes the EAGAIN: a listener that never accepts, its backlog filled. */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(void) {
  char dir[] = "/tmp/curl-eagain-XXXXXX";
  if (!mkdtemp(dir)) return perror("mkdtemp"), 1;
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/sock", dir);
  int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  if (bind(listener, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(listener, 0) != 0) return perror("listen"), 1;

  /* Fill the backlog: non-blocking connects until the kernel says EAGAIN (bounded). */
  int filled = 0;
  for (int i = 0; i < 64; i++) {
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
      printf("backlog full after %d connects: connect() -> %s\n", filled, strerror(errno));
      close(s);
      break;
    }
    filled++;
  }

  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL *h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, "http://localhost/");
  curl_easy_setopt(h, CURLOPT_UNIX_SOCKET_PATH, sa.sun_path);
  curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  CURLcode code = curl_easy_perform(h);
  long os_errno = -1;
  curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
  printf("curl %s: curl_easy_perform -> %d (%s), CURLINFO_OS_ERRNO %ld (%s)\n", curl_version_info(CURLVERSION_NOW)->version,
         (int)code, curl_easy_strerror(code), os_errno, os_errno > 0 ? strerror((int)os_errno) : "none");
  curl_easy_cleanup(h);
  unlink(sa.sun_path);
  rmdir(dir);
  return 0;
}
