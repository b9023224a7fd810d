/* Logs one line per request: method, URI, client address and User-Agent. Never responds. */
#include "zeroserve.h"

static ZS_INLINE char *append(char *p, const char *end, const char *s) {
  while (*s && p < end)
    *p++ = *s++;
  return p;
}

ZS_ENTRY zs_u64 on_request(void) {
  char method[16], uri[256], peer[64], agent[128], line[512];
  zs_req_method(method, sizeof method);
  zs_req_uri(uri, sizeof uri);
  zs_req_peer(peer, sizeof peer);
  zs_req_header(ZS_STR("user-agent"), agent, sizeof agent);

  char *end = line + sizeof line - 1;
  char *p = append(line, end, method);
  p = append(p, end, " ");
  p = append(p, end, uri);
  p = append(p, end, " from ");
  p = append(p, end, peer);
  p = append(p, end, " ua=");
  p = append(p, end, agent);
  *p++ = '\n';
  zs_log(line, (zs_u64)(p - line));
  return 0;
}
