/*
 * OpenID Connect login in front of the whole site, except /public/. The IdP redirects back to /oidc/callback;
 * /oidc/logout ends the session. Secrets come from $OIDC_CLIENT_SECRET and $OIDC_COOKIE_SECRET (at least 16
 * bytes; keep it stable, or every session ends). /whoami answers with the signed-in user's email claim.
 */
#include "zeroserve.h"

static const char CONFIG[] = "{\"issuer\":\"https://accounts.example.com\","
                             "\"client_id\":\"my-client-id\","
                             "\"redirect_uri\":\"https://app.example.com/oidc/callback\"}";

/* Sets cfg[key] to the value of an environment variable; 0 when it is set, else -1. */
static ZS_INLINE zs_s64 set_from_env(zs_s64 cfg, const char *key, const char *env) {
  char value[256];
  zs_s64 n = zs_env_get(env, zs_strlen(env), value, sizeof value);
  if (n <= 0 || n == (zs_s64)sizeof value)
    return -1;
  zs_s64 v = zs_json_new_object();
  zs_json_set_string(v, value, (zs_u64)n);
  zs_json_set(cfg, key, zs_strlen(key), v);
  zs_object_free(v);
  return 0;
}

ZS_ENTRY zs_u64 on_request(void) {
  char path[256];
  zs_req_normalized_path(path, sizeof path);
  if (zs_strncmp(path, "/public/", 8) == 0)
    return 0;

  zs_s64 cfg = zs_json_parse(CONFIG, sizeof CONFIG - 1);
  if (set_from_env(cfg, "client_secret", "OIDC_CLIENT_SECRET") < 0 ||
      set_from_env(cfg, "cookie_secret", "OIDC_COOKIE_SECRET") < 0) {
    zs_respond(500, ZS_STR("login is not configured\n"));
    return 0;
  }
  if (zs_strcmp(path, "/oidc/callback") == 0) {
    zs_oidc_handle_callback(cfg);
    return 0;
  }
  if (zs_strcmp(path, "/oidc/logout") == 0) {
    zs_oidc_logout(cfg, ZS_STR(""));
    return 0;
  }

  zs_s64 claims = zs_oidc_session_verify(cfg);
  if (claims == 0) {
    char uri[1024];
    zs_s64 n = zs_req_uri(uri, sizeof uri);
    /* A URI too long for the buffer returns to the home page rather than to a truncated one. */
    zs_oidc_begin_login(cfg, n == (zs_s64)sizeof uri ? "/" : uri, n == (zs_s64)sizeof uri ? 1 : (zs_u64)n);
    return 0;
  }
  if (claims < 0) {
    zs_respond(500, ZS_STR("login is misconfigured\n"));
    return 0;
  }
  if (zs_strcmp(path, "/whoami") == 0) {
    char email[256];
    zs_s64 h = zs_json_get(claims, ZS_STR("email"));
    zs_s64 n = h < 0 ? -1 : zs_json_read_string(h, email, sizeof email);
    if (n < 0 || n == (zs_s64)sizeof email)
      zs_respond(200, ZS_STR("signed in (no email claim)\n"));
    else
      zs_respond(200, email, (zs_u64)n);
    return 0;
  }
  return 0; /* signed in: static serving goes on */
}
