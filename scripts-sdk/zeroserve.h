/*
 * zeroserve.h: the script SDK of zeroserve for the JVM.
 *
 * A request script is C compiled to a relocatable eBPF object:
 *
 *   clang-19 -O2 -target bpf -mcpu=v3 -mllvm -bpf-stack-size=8192 -fno-builtin -I <sdk> -c script.c -o script.o
 *
 * (`zeroserve --pack` runs exactly that for every .zeroserve/scripts/ ** / *.c). The header needs no libc.
 *
 * Helpers are plain `extern` functions, bound by symbol name when the object is loaded; an unknown name fails
 * the load. All pointers are checked by the host. Conventions shared by the helpers:
 *   - C-string outputs (zs_req_*, zs_meta_get, zs_env_get, ...) work like snprintf: at most out_len-1 bytes
 *     plus a NUL are written and min(full_length, out_len) is returned, so out_len = 0 returns 0 and a
 *     return value equal to out_len means the value may have been truncated. Missing values read as "".
 *   - A soft failure returns -1 (missing key, parse failure, bad index).
 *   - A hard failure (bad pointer, invalid UTF-8, unknown JSON handle, invalid header...) ends the script:
 *     the request is answered with 500 and the rest of the chain does not run.
 *   - Global variables are read-only at run time: keep mutable state on the stack.
 *
 * Source-compatible with the generic SDK of the original zeroserve.
 */
#ifndef ZEROSERVE_SDK_ZEROSERVE_H
#define ZEROSERVE_SDK_ZEROSERVE_H

/* ---- Types (no libc) ------------------------------------------------------------------------------------ */

typedef unsigned long long uint64_t;
typedef long long int64_t;
typedef unsigned int uint32_t;
typedef int int32_t;
typedef unsigned short uint16_t;
typedef short int16_t;
typedef unsigned char uint8_t;
typedef char int8_t;
typedef unsigned long size_t;
typedef long ssize_t;

typedef uint64_t zs_u64;
typedef int64_t zs_s64;
typedef uint32_t zs_u32;
typedef int32_t zs_s32;
typedef uint16_t zs_u16;
typedef int16_t zs_s16;
typedef uint8_t zs_u8;
typedef int8_t zs_s8;

/* ---- Macros ----------------------------------------------------------------------------------------------- */

/* A NUL-terminated string as (pointer, length), with or without the NUL. */
#define ZS_STR(s) (s), zs_strlen((s))
#define ZS_STR_WITH_NULL(s) (s), (zs_strlen((s)) + 1)

#define ZS_SECTION(name) __attribute__((section(name)))
/* The per-request middleware entry point: `ZS_ENTRY zs_u64 on_request(void) { ... }`. */
#define ZS_ENTRY ZS_SECTION("zeroserve.request")
/* Runs per request over TLS connections, before every ZS_ENTRY. */
#define ZS_TLS_REQUEST_ENTRY ZS_SECTION("zeroserve.tls.request")
/* Runs once per TLS connection at the ClientHello (certificate selection). */
#define ZS_TLS_ENTRY ZS_SECTION("zeroserve.tls")
#define ZS_INLINE __attribute__((always_inline))
#define ZS_MAYBE_UNUSED __attribute__((unused))

/*
 * A function other scripts reach through zs_call(script, name, input) and that zs_res_hook can register. It
 * lives in section "zeroserve.call.<name>", receives the JSON handle of its input (always 1 in the callee's
 * fresh object table) and returns a JSON handle, or a negative value for failure:
 *
 *   ZS_CALL_ENTRY(greet, input) {
 *     zs_s64 out = zs_json_new_object();
 *     zs_json_set(out, ZS_STR("echo"), input);
 *     return out;
 *   }
 */
#define ZS_CALL_ENTRY(name, input)                                                                             \
  static zs_s64 zs__call_body_##name(zs_s64 input);                                                            \
  ZS_SECTION("zeroserve.call." #name)                                                                          \
  zs_s64 zs__call_entry_##name(zs_s64 *zs__call_input) { return zs__call_body_##name(*zs__call_input); }       \
  static zs_s64 zs__call_body_##name(zs_s64 input)

#define ZS_MIN(a, b) ((a) < (b) ? (a) : (b))
#define ZS_MAX(a, b) ((a) > (b) ? (a) : (b))

/* ---- Constants -------------------------------------------------------------------------------------------- */

#define ZS_BASE64_STANDARD 0
#define ZS_BASE64_STANDARD_NO_PAD 1
#define ZS_BASE64_URL 2
#define ZS_BASE64_URL_NO_PAD 3

#define ZS_HEX_LOWERCASE 0
#define ZS_HEX_UPPERCASE 1

#define ZS_JSON_NULL 0
#define ZS_JSON_BOOL 1
#define ZS_JSON_NUMBER 2
#define ZS_JSON_STRING 3
#define ZS_JSON_ARRAY 4
#define ZS_JSON_OBJECT 5

#define ZS_RATE_LIMIT_ALLOWED 0
#define ZS_RATE_LIMIT_EXCEEDED_SECOND 1
#define ZS_RATE_LIMIT_EXCEEDED_MINUTE 2
#define ZS_RATE_LIMIT_EXCEEDED_HOUR 3
#define ZS_RATE_LIMIT_EXCEEDED_BUCKET_LIMIT 4

/* ---- Logging, time, environment, randomness --------------------------------------------------------------- */

/* Buffered until a newline (or 512 bytes), then written to stderr as "[user_log] <request id>: <script>: text".
 * Returns 0. */
extern zs_s64 zs_log(const char *msg, zs_u64 len);
/* Unix time in milliseconds. */
extern zs_u64 zs_now_ms(void);
/* The value of a process environment variable ("" if unset); C-string output. */
extern zs_s64 zs_env_get(const char *name, zs_u64 name_len, char *out, zs_u64 out_len);
/* Fills out with random bytes; returns out_len. */
extern zs_s64 zs_getrandom(void *out, zs_u64 out_len);

/* ---- Crypto and encoding ---------------------------------------------------------------------------------- */

/* out_len must be 32; returns 32. */
extern zs_s64 zs_sha256(const void *data, zs_u64 data_len, void *out, zs_u64 out_len);
/* Writes 32 bytes to out; returns 32. */
extern zs_s64 zs_hmac_sha256(const void *key, zs_u64 key_len, const void *msg, zs_u64 msg_len, void *out);
/* Returns the encoded length (no NUL); out_len = 0 asks for the size. -1 if out is too small. */
extern zs_s64 zs_base64_encode(const void *data, zs_u64 data_len, void *out, zs_u64 out_len, zs_u64 encoding);
/* Returns the decoded length, or -1 on invalid input. */
extern zs_s64 zs_base64_decode_in_place(void *buf, zs_u64 buf_len, zs_u64 encoding);
/* Returns 2*data_len; out_len = 0 asks for the size. -1 if out is too small. */
extern zs_s64 zs_hex_encode(const void *data, zs_u64 data_len, void *out, zs_u64 out_len, zs_u64 case_flag);
/* Case-insensitive. Returns the decoded length, or -1 for an odd length or a non-hex digit. */
extern zs_s64 zs_hex_decode_in_place(void *buf, zs_u64 buf_len);

/* The regions must not overlap (overlap is a fault, not a memmove). */
extern void *zs_memcpy(void *dst, const void *src, size_t n);
extern int zs_memcmp(const void *a, const void *b, size_t n);
extern void *zs_memset(void *dst, int c, size_t n);

/* ---- JSON (handles are cursors into a document; at most 32 live per script) ------------------------------- */

extern zs_s64 zs_json_parse(const void *data, zs_u64 data_len);
/* Parses a file of the site, by its verbatim tar path (no leading '/'). -1 if missing or not JSON. */
extern zs_s64 zs_load_static_json(const char *path, zs_u64 path_len);
/* {"size":N,"etag":"<32 hex>","mtime":unix_secs} of a site file, or -1. */
extern zs_s64 zs_load_file_metadata(const char *path, zs_u64 path_len);
/* Moves the cursor back to the document root. */
extern zs_s64 zs_json_reset(zs_u64 json);
extern zs_s64 zs_json_get(zs_u64 json, const char *key, zs_u64 key_len);
extern zs_s64 zs_json_array_get(zs_u64 json, zs_u64 array_index);
/* C-string output; out_len = 0 returns the full length. -1 if not a string. */
extern zs_s64 zs_json_read_string(zs_u64 json, char *out, zs_u64 out_len);
/* Writes a native-endian i64 and returns 8; -1 if not an integer. */
extern zs_s64 zs_json_read_i64(zs_u64 json, void *out, zs_u64 out_len);
/* Writes one byte (0 or 1) and returns 1; -1 if not a bool. */
extern zs_s64 zs_json_read_bool(zs_u64 json, void *out, zs_u64 out_len);
/* Frees a handle; an unknown handle is a fault. */
extern zs_s64 zs_object_free(zs_u64 idx);
extern zs_s64 zs_json_new_object(void);
extern zs_s64 zs_json_new_array(void);
extern zs_s64 zs_json_clone(zs_u64 json);
/* Element count of an array or object, byte length of a string, -1 otherwise. */
extern zs_s64 zs_json_len(zs_u64 json);
/* One of ZS_JSON_*. */
extern zs_s64 zs_json_type(zs_u64 json);
/* Stores a copy of value_json under key. */
extern zs_s64 zs_json_set(zs_u64 json, const char *key, zs_u64 key_len, zs_u64 value_json);
extern zs_s64 zs_json_remove(zs_u64 json, const char *key, zs_u64 key_len);
/* Appends a copy; returns the new length. */
extern zs_s64 zs_json_array_push(zs_u64 json, zs_u64 value_json);
extern zs_s64 zs_json_array_set(zs_u64 json, zs_u64 index, zs_u64 value_json);
/* Replace the node in place (its type may change). */
extern zs_s64 zs_json_set_string(zs_u64 json, const char *value, zs_u64 value_len);
extern zs_s64 zs_json_set_i64(zs_u64 json, zs_s64 value);
extern zs_s64 zs_json_set_bool(zs_u64 json, zs_u64 value);
extern zs_s64 zs_json_set_null(zs_u64 json);
/* Terminal: answers with the serialized JSON and Content-Type: application/json. */
extern zs_s64 zs_json_respond(zs_u64 status, zs_u64 json);
/* Parses the request body (read once, at most --max-buffered-body-size-kb). -1 if empty, too large or invalid. */
extern zs_s64 zs_req_body_json(void);

/* ---- Calls between scripts and response hooks ------------------------------------------------------------- */

/* Runs `func` (a ZS_CALL_ENTRY) of script `script` (file name, with or without ".o") with a deep copy of
 * json_handle. Returns a new handle holding a copy of the result, or -1 (unknown script or function, callee
 * fault, negative result, call depth 8 reached). The request and the metadata are shared with the callee. */
extern zs_s64 zs_call(const char *script, zs_u64 script_len, const char *func, zs_u64 func_len,
                      zs_s64 json_handle);
/* Registers a ZS_CALL_ENTRY to run when the response headers exist, before they are sent. An empty script
 * name means the current script. Hooks run in registration order. */
extern zs_s64 zs_res_hook(const char *script, zs_u64 script_len, const char *func, zs_u64 func_len,
                          zs_s64 json_handle);
extern zs_s64 zs_res_hooks_clear(void);
/* In a response hook: the status, a new status (100..999, others ignored), a response header. */
extern zs_s64 zs_res_status(void);
extern zs_s64 zs_res_set_status(zs_u64 status);
extern zs_s64 zs_res_header(const char *name, zs_u64 name_len, char *out, zs_u64 out_len);
/* In a response hook: {"name":..., "search" | "search_regexp":..., "replace":...} on each value. */
extern zs_s64 zs_res_replace_header(const char *op_json, zs_u64 op_json_len);
/* In a response hook: drop this response and run the request scripts again on the request as the scripts and
 * hooks left it, with the same metadata (Caddy's forward_auth). At most 8 times per request; asking once more
 * answers 500. Returns 0, or -1 outside a response hook. */
extern zs_s64 zs_res_continue_request(void);

/* ---- Request inspection ----------------------------------------------------------------------------------- */

extern zs_s64 zs_req_method(char *out, zs_u64 out_len);
/* The normalized path, keeping the client's percent-escapes. */
extern zs_s64 zs_req_path(char *out, zs_u64 out_len);
/* "/" plus the decoded, cleaned path: the key of the static lookup. */
extern zs_s64 zs_req_normalized_path(char *out, zs_u64 out_len);
/* The path plus "?query" when there is one. */
extern zs_s64 zs_req_uri(char *out, zs_u64 out_len);
/* The raw query, without "?". */
extern zs_s64 zs_req_query(char *out, zs_u64 out_len);
extern zs_s64 zs_req_scheme(char *out, zs_u64 out_len);
extern zs_s64 zs_req_proto_major(void);
extern zs_s64 zs_req_proto_minor(void);
/* The client "ip:port" ("[v6]:port"). */
extern zs_s64 zs_req_peer(char *out, zs_u64 out_len);
extern zs_s64 zs_req_is_tls(void);
extern zs_s64 zs_req_tls_handshake_complete(void);
/* Case-insensitive, trimmed name; the last value. */
extern zs_s64 zs_req_header(const char *name, zs_u64 name_len, char *out, zs_u64 out_len);
/* The first form-decoded value of a query parameter. */
extern zs_s64 zs_req_query_param(const char *name, zs_u64 name_len, char *out, zs_u64 out_len);
/* 1 if some value equals `value` (or `value` is "*" and the parameter is present), else 0. */
extern zs_s64 zs_req_query_param_matches(const char *name, zs_u64 name_len, const char *value, zs_u64 value_len);
/* 1 if the direct peer's IP is in the JSON array of IPs and CIDRs, else 0; -1 for bad JSON. */
extern zs_s64 zs_req_remote_ip_matches(const char *ranges_json, zs_u64 ranges_json_len);
/* A JSON handle describing the connection: tls, tls_handshake_complete, alpn, sni {inner, outer},
 * ech (null or {accepted}), fingerprint {ja4}, tls_client {certificate, chain_fingerprints_sha256}. */
extern zs_s64 zs_connection_info(void);

/* ---- Request mutation ------------------------------------------------------------------------------------- */

extern zs_s64 zs_req_set_method(const char *method, zs_u64 method_len);
/* "/path?query", "?query" or a relative target; re-normalized afterwards (an invalid result answers 400). */
extern zs_s64 zs_req_set_uri(const char *uri, zs_u64 uri_len);
/* Replaces the header; value_len = 0 removes it. */
extern zs_s64 zs_req_set_header(const char *name, zs_u64 name_len, const char *value, zs_u64 value_len);
extern zs_s64 zs_req_append_header(const char *name, zs_u64 name_len, const char *value, zs_u64 value_len);
/* "name", "prefix*", "*suffix", "*infix*" or "*". */
extern zs_s64 zs_req_delete_header(const char *pattern, zs_u64 pattern_len);
/* {"name":..., "search" | "search_regexp":..., "replace":...} on each value of the header. */
extern zs_s64 zs_req_replace_header(const char *op_json, zs_u64 op_json_len);
/* Lowers the buffered-body limit; returns 1 if Content-Length already exceeds it, else 0. */
extern zs_s64 zs_req_body_limit(zs_u64 max_size);
/* Caddy's rewrite modifiers, in this order: {"strip_path_prefix":"/api", "strip_path_suffix":".html",
 * "uri_substring":[{"find","replace","limit"}], "path_regexp":[{"find":RE2,"replace":"$1 ${name}"}]}. Returns 0.
 * Bad ops (JSON, unknown key, type, regexp) are a hard failure; a path that no longer normalizes gives 400. */
extern zs_s64 zs_req_rewrite_uri(const char *ops_json, zs_u64 ops_json_len);
/* Caddy's query ops, applied rename, set, add, replace, delete: {"rename":[{"key","val"}], "set":[...],
 * "add":[...], "replace":[{"key" (or "*"), "search" | "search_regexp", "replace"}], "delete":["key"]}; the query
 * is then re-encoded with keys sorted. Returns 0; bad ops are a hard failure. */
extern zs_s64 zs_req_rewrite_query(const char *ops_json, zs_u64 ops_json_len);

/* ---- Per-request metadata --------------------------------------------------------------------------------- */

/* One map per request, shared by every script, callee and hook. Keys are trimmed; an empty key is a fault.
 * "zs.response.header.<name>" entries become response headers; values also fill <zs-meta>key</zs-meta> in
 * static HTML and XML. */
extern zs_s64 zs_meta_get(const char *key, zs_u64 key_len, char *out, zs_u64 out_len);
extern zs_s64 zs_meta_set(const char *key, zs_u64 key_len, const char *value, zs_u64 value_len);

/* ---- Responses and terminal actions ----------------------------------------------------------------------- */

/* Terminal: answers with status and body (only Content-Length is set; add headers through metadata). */
extern zs_s64 zs_respond(zs_u64 status, const void *body, zs_u64 body_len);
/* Terminal: closes the connection without a response. */
extern zs_s64 zs_abort(void);
/* 1 if this script already chose a response, else 0. */
extern zs_s64 zs_response_pending(void);
extern zs_s64 zs_response_clear(void);
/* Terminal: hands the request to an upstream over HTTP/1.1. The URL is http:// or https://host[:port], with an
   optional base path and query that the request's path and query are joined onto, or unix//absolute/socket/path.
   A hard fault if this script already chose a response (zs_response_clear drops it first) or a proxy, or if the
   URL is not valid. */
extern zs_s64 zs_reverse_proxy(const char *backend_url, zs_u64 backend_url_len);

/* ---- Rate limiting ---------------------------------------------------------------------------------------- */

/* Fixed wall-clock windows; 0 = no limit for that window; keys up to 256 bytes. Returns ZS_RATE_LIMIT_*, or
 * -1 for a bad key. */
extern zs_s64 zs_rate_limit(const void *key, zs_u64 key_len, zs_u64 per_second, zs_u64 per_minute,
                            zs_u64 per_hour);

/* ---- AWS Signature Version 4 ------------------------------------------------------------------------------ */

typedef struct {
  const void *access_key;
  zs_u64 access_key_len;
  const void *secret_key;
  zs_u64 secret_key_len;
  const void *region;
  zs_u64 region_len;
  const void *service;
  zs_u64 service_len;
  const void *method;
  zs_u64 method_len;
  const void *uri; /* path, optionally with "?query" */
  zs_u64 uri_len;
  zs_u64 headers_json; /* JSON object handle: header name -> value (include "host") */
  const void *body_hash; /* hex SHA-256 of the body, or "UNSIGNED-PAYLOAD" */
  zs_u64 body_hash_len;
  zs_s64 timestamp_ms;
  void *out;
  zs_u64 out_len;
} zs_aws_v4_sign_params;

/* The Authorization header value. Returns the length capped at out_len (0 when out_len is 0), -1 for bad
 * parameters, -2 for a headers_json that is not an object of strings. NUL-terminated when there is room. */
extern zs_s64 zs_aws_v4_authorization_header(const zs_aws_v4_sign_params *params, zs_u64 params_len);
/* A path plus query carrying the X-Amz-* parameters (body treated as UNSIGNED-PAYLOAD). Same returns. */
extern zs_s64 zs_aws_v4_presigned_url(const zs_aws_v4_sign_params *params, zs_u64 params_len,
                                      zs_u64 expires_secs);

/* ---- OpenID Connect login (Authorization Code + PKCE) ------------------------------------------------------ */

/* cfg is a JSON object handle: "issuer" (endpoints then come from <issuer>/.well-known/openid-configuration) or
 * "authorization_endpoint" + "token_endpoint"; "client_id", "client_secret", "redirect_uri"; optional "scope"
 * (default "openid profile email"), "session_ttl_secs" (default 3600), "token_endpoint_auth_method"
 * ("client_secret_post" by default, "client_secret_basic", "none"); "cookie_secret" (at least 16 bytes, keep it
 * stable: the login state and the session are cookies sealed with XChaCha20-Poly1305 under it). A cfg that is
 * not an object or lacks what the helper needs returns -1 (the reason is logged). The id_token's iss, aud, exp
 * and nonce are checked; its signature is not checked against a JWKS (it comes straight from the token endpoint;
 * use https endpoints). */
/* Terminal: the state cookie and a 302 to the IdP. return_to must be a path on this site ("/..."); anything
 * else becomes "/". A failed discovery is a fault (500). Returns 0, or -1. */
extern zs_s64 zs_oidc_begin_login(zs_s64 cfg, const char *return_to, zs_u64 return_to_len);
/* Terminal, on the redirect_uri path: checks state against the state cookie (400 if missing, expired or
 * different), exchanges the code (502 if that or the id_token checks fail), sets the session cookie, clears the
 * state cookie, and answers 302 to return_to. Returns 0, or -1. */
extern zs_s64 zs_oidc_handle_callback(zs_s64 cfg);
/* Not terminal: a JSON handle of the id_token claims for a valid, unexpired session cookie, 0 if there is none,
 * -1 for a bad cfg. */
extern zs_s64 zs_oidc_session_verify(zs_s64 cfg);
/* Terminal: clears the session cookie; 302 to end_session_url when it is non-empty, else 200. Returns 0, or -1. */
extern zs_s64 zs_oidc_logout(zs_s64 cfg, const char *end_session_url, zs_u64 end_session_url_len);

/* ---- Not supported yet: declared for compatibility; a script using them fails to load ---------------------- */

extern zs_s64 zs_vici_eap_identity_by_ip(const char *ip, zs_u64 ip_len);

/* ---- String utilities (compiled into the script) ---------------------------------------------------------- */

static ZS_MAYBE_UNUSED ZS_INLINE size_t zs_strlen(const char *s) {
  size_t n = 0;
  while (s[n] != '\0')
    n++;
  return n;
}

static ZS_MAYBE_UNUSED ZS_INLINE char *zs_strncpy(char *dst, const char *src, size_t n) {
  size_t i;
  for (i = 0; i < n && src[i] != '\0'; i++)
    dst[i] = src[i];
  for (; i < n; i++)
    dst[i] = '\0';
  return dst;
}

/* Copies src with its NUL and returns a pointer to the NUL written. */
static ZS_MAYBE_UNUSED ZS_INLINE char *zs_stpcpy(char *dst, const char *src) {
  size_t i;
  for (i = 0; src[i] != '\0'; i++)
    dst[i] = src[i];
  dst[i] = '\0';
  return dst + i;
}

static ZS_MAYBE_UNUSED ZS_INLINE char *zs_strcpy(char *dst, const char *src) {
  zs_stpcpy(dst, src);
  return dst;
}

static ZS_MAYBE_UNUSED ZS_INLINE int zs_strcmp(const char *a, const char *b) {
  size_t i = 0;
  while (a[i] != '\0' && a[i] == b[i])
    i++;
  return (int)(unsigned char)a[i] - (int)(unsigned char)b[i];
}

static ZS_MAYBE_UNUSED ZS_INLINE int zs_strncmp(const char *a, const char *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (a[i] != b[i])
      return (int)(unsigned char)a[i] - (int)(unsigned char)b[i];
    if (a[i] == '\0')
      break;
  }
  return 0;
}

/* The last occurrence of c in s (the NUL counts), or 0. */
static ZS_MAYBE_UNUSED ZS_INLINE char *zs_strrchr(const char *s, int c) {
  const char *found = 0;
  for (;; s++) {
    if (*s == (char)c)
      found = s;
    if (*s == '\0')
      return (char *)found;
  }
}

/* Writes value in decimal plus a NUL; returns the digit count, or -1 when cap < 2 or the digits do not fit. */
static ZS_MAYBE_UNUSED ZS_INLINE int zs_utoa10(unsigned int value, char *out, size_t cap) {
  if (!out || cap < 2)
    return -1;
  size_t digits = 1;
  for (unsigned int rest = value / 10; rest != 0; rest /= 10)
    digits++;
  if (digits + 1 > cap)
    return -1;
  out[digits] = '\0';
  for (size_t i = digits; i > 0; i--) {
    out[i - 1] = (char)('0' + value % 10);
    value /= 10;
  }
  return (int)digits;
}

#endif /* ZEROSERVE_SDK_ZEROSERVE_H */
