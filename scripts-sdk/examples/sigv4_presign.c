/*
 * GET /download/<key> redirects (302) to a SigV4 pre-signed URL of <key> in an S3 bucket, valid 5 minutes.
 * Credentials and the bucket host come from $AWS_ACCESS_KEY_ID, $AWS_SECRET_ACCESS_KEY, $S3_HOST
 * (e.g. "examplebucket.s3.amazonaws.com") and $AWS_REGION.
 */
#include "zeroserve.h"

ZS_ENTRY zs_u64 on_request(void) {
  char path[256];
  zs_s64 n = zs_req_path(path, sizeof path);
  if (n == (zs_s64)sizeof path || zs_strncmp(path, "/download/", 10) != 0)
    return 0;

  char access[128], secret[128], host[128], region[32];
  zs_s64 access_len = zs_env_get(ZS_STR("AWS_ACCESS_KEY_ID"), access, sizeof access);
  zs_s64 secret_len = zs_env_get(ZS_STR("AWS_SECRET_ACCESS_KEY"), secret, sizeof secret);
  zs_s64 host_len = zs_env_get(ZS_STR("S3_HOST"), host, sizeof host);
  zs_s64 region_len = zs_env_get(ZS_STR("AWS_REGION"), region, sizeof region);
  if (access_len <= 0 || secret_len <= 0 || host_len <= 0 || region_len <= 0) {
    zs_respond(500, ZS_STR("storage is not configured\n"));
    return 0;
  }

  zs_s64 headers = zs_json_new_object();
  zs_s64 value = zs_json_new_object();
  zs_json_set_string(value, host, (zs_u64)host_len);
  zs_json_set(headers, ZS_STR("host"), value);

  char url[1024];
  char *object_path = path + 9; /* keeps the leading '/' of "/<key>" */
  zs_aws_v4_sign_params params = {
      .access_key = access, .access_key_len = (zs_u64)access_len,
      .secret_key = secret, .secret_key_len = (zs_u64)secret_len,
      .region = region, .region_len = (zs_u64)region_len,
      .service = "s3", .service_len = 2,
      .method = "GET", .method_len = 3,
      .uri = object_path, .uri_len = zs_strlen(object_path),
      .headers_json = (zs_u64)headers,
      .timestamp_ms = (zs_s64)zs_now_ms(),
      .out = url, .out_len = sizeof url,
  };
  zs_s64 len = zs_aws_v4_presigned_url(&params, sizeof params, 300);
  if (len <= 0 || len == (zs_s64)sizeof url) {
    zs_respond(500, ZS_STR("signing failed\n"));
    return 0;
  }

  char location[1200];
  char *p = zs_stpcpy(location, "https://");
  p = zs_stpcpy(p, host);
  zs_stpcpy(p, url);
  zs_meta_set(ZS_STR("zs.response.header.location"), ZS_STR(location));
  zs_respond(302, 0, 0);
  return 0;
}
