/*
 * Fills <zs-meta>user</zs-meta> and <zs-meta>greeting</zs-meta> in static HTML: the user comes from the
 * ?user= query parameter (or "guest"). Also sets a response header on every response through metadata.
 */
#include "zeroserve.h"

ZS_ENTRY zs_u64 on_request(void) {
  char user[64];
  zs_s64 n = zs_req_query_param(ZS_STR("user"), user, sizeof user);
  if (n <= 0 || n == (zs_s64)sizeof user)
    zs_strcpy(user, "guest");
  zs_meta_set(ZS_STR("user"), ZS_STR(user));
  zs_meta_set(ZS_STR("greeting"), ZS_STR("Hello"));
  zs_meta_set(ZS_STR("zs.response.header.x-templated-by"), ZS_STR("zeroserve"));
  return 0;
}
