/* A callee: greet({"name": "..."}) returns {"message": "hello, <name>"}. Serves no requests itself. */
#include "zeroserve.h"

ZS_CALL_ENTRY(greet, input) {
  char name[64];
  zs_s64 name_h = zs_json_get(input, ZS_STR("name"));
  zs_s64 n = name_h < 0 ? -1 : zs_json_read_string(name_h, name, sizeof name);
  if (n <= 0 || n == (zs_s64)sizeof name)
    zs_strcpy(name, "stranger");

  char message[96];
  char *p = zs_stpcpy(message, "hello, ");
  zs_stpcpy(p, name);

  zs_s64 out = zs_json_new_object();
  zs_s64 value = zs_json_new_object();
  zs_json_set_string(value, ZS_STR(message));
  zs_json_set(out, ZS_STR("message"), value);
  return out;
}
