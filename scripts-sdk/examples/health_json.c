/* GET /healthz answers {"status":"ok","time_ms":<now>,"path":"/healthz"} as JSON; other paths fall through. */
#include "zeroserve.h"

ZS_ENTRY zs_u64 on_request(void) {
  char path[64];
  zs_s64 n = zs_req_normalized_path(path, sizeof path);
  if (n == (zs_s64)sizeof path || zs_strcmp(path, "/healthz") != 0)
    return 0;

  zs_s64 body = zs_json_parse(ZS_STR("{\"status\":\"ok\"}"));
  zs_s64 value = zs_json_new_object();
  zs_json_set_i64(value, (zs_s64)zs_now_ms());
  zs_json_set(body, ZS_STR("time_ms"), value);
  zs_json_set_string(value, path, (zs_u64)n);
  zs_json_set(body, ZS_STR("path"), value);
  zs_json_respond(200, body);
  return 0;
}
