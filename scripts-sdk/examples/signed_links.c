/*
 * HMAC-signed links: a request under /private/ needs ?expires=<unix ms>&sig=<hex HMAC-SHA256(secret,
 * path + "|" + expires)>, with expires in the future. The secret comes from $LINK_SECRET.
 * Anything else under /private/ gets 403.
 */
#include "zeroserve.h"

ZS_ENTRY zs_u64 on_request(void) {
  char path[256];
  zs_s64 n = zs_req_normalized_path(path, sizeof path);
  if (n == (zs_s64)sizeof path || zs_strncmp(path, "/private/", 9) != 0)
    return 0;

  char secret[128], expires[24], sig[72], message[300];
  zs_s64 secret_len = zs_env_get(ZS_STR("LINK_SECRET"), secret, sizeof secret);
  zs_s64 expires_len = zs_req_query_param(ZS_STR("expires"), expires, sizeof expires);
  zs_s64 sig_len = zs_req_query_param(ZS_STR("sig"), sig, sizeof sig);
  if (secret_len <= 0 || expires_len <= 0 || expires_len == (zs_s64)sizeof expires || sig_len != 64)
    goto deny;

  zs_u64 expires_ms = 0;
  for (zs_s64 i = 0; i < expires_len; i++) {
    if (expires[i] < '0' || expires[i] > '9')
      goto deny;
    expires_ms = expires_ms * 10 + (zs_u64)(expires[i] - '0');
  }
  if (expires_ms < zs_now_ms())
    goto deny;

  char *p = zs_stpcpy(message, path);
  *p++ = '|';
  p = zs_stpcpy(p, expires);

  zs_u8 mac[32];
  zs_hmac_sha256(secret, (zs_u64)secret_len, message, (zs_u64)(p - message), mac);
  /* Decode both sides to bytes so the comparison is case-insensitive. */
  if (zs_hex_decode_in_place(sig, 64) != 32 || zs_memcmp(sig, mac, 32) != 0)
    goto deny;
  return 0;

deny:
  zs_respond(403, ZS_STR("forbidden\n"));
  return 0;
}
