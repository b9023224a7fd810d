/* GET /greet?name=... calls greeter.o's greet() with zs_call and answers its result as JSON. */
#include "zeroserve.h"

ZS_ENTRY zs_u64 on_request(void) {
  char path[32];
  zs_req_normalized_path(path, sizeof path);
  if (zs_strcmp(path, "/greet") != 0)
    return 0;

  char name[64];
  zs_s64 n = zs_req_query_param(ZS_STR("name"), name, sizeof name);
  zs_s64 input = zs_json_new_object();
  if (n > 0 && n < (zs_s64)sizeof name) {
    zs_s64 value = zs_json_new_object();
    zs_json_set_string(value, name, (zs_u64)n);
    zs_json_set(input, ZS_STR("name"), value);
  }

  zs_s64 reply = zs_call(ZS_STR("greeter"), ZS_STR("greet"), input);
  if (reply < 0) {
    zs_respond(502, ZS_STR("greeter failed\n"));
    return 0;
  }
  zs_json_respond(200, reply);
  return 0;
}
