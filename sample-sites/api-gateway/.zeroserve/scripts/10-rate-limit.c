/* At most 5 requests per second and 100 per minute per client IP; beyond that, 429. */
#include "zeroserve.h"

ZS_ENTRY zs_u64 on_request(void) {
  char peer[80];
  zs_s64 n = zs_req_peer(peer, sizeof peer);
  if (n <= 0 || n == (zs_s64)sizeof peer)
    return 0;
  /* Strip the port: the key is the IP ("1.2.3.4" or "[::1]"). */
  char *colon = zs_strrchr(peer, ':');
  if (colon)
    *colon = '\0';

  zs_s64 verdict = zs_rate_limit(ZS_STR(peer), 5, 100, 0);
  if (verdict != ZS_RATE_LIMIT_ALLOWED) {
    zs_meta_set(ZS_STR("zs.response.header.content-type"), ZS_STR("application/json"));
    zs_meta_set(ZS_STR("zs.response.header.retry-after"),
                ZS_STR(verdict == ZS_RATE_LIMIT_EXCEEDED_SECOND ? "1" : "60"));
    zs_respond(429, ZS_STR("{\"error\":\"rate limit exceeded\"}"));
  }
  return 0;
}
