package io.zeroserve.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.zeroserve.TestSites;
import io.zeroserve.ZeroServe;
import io.zeroserve.script.ScriptCompiler;
import io.zeroserve.script.ScriptConfig;
import io.zeroserve.script.ScriptOptions;
import io.zeroserve.script.oidc.Pkce;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An OpenID Connect login end to end: a site whose script protects everything but {@code /public.txt} with the
 * {@code zs_oidc_*} helpers, the real server on loopback, and a fake identity provider (discovery and a token
 * endpoint that checks the code, the PKCE verifier and the client credentials). The script's wall clock is the
 * test's, so expiry is driven, not waited for.
 */
class OidcLoginTest {
    private static final String CLIENT_ID = "test-client";
    private static final String CLIENT_SECRET = "test-client-secret";
    private static final String REDIRECT_URI = "http://app.test/callback";
    private static final long START_MS = 1_800_000_000_000L;

    @TempDir
    Path tmp;
    private final AtomicLong clockMs = new AtomicLong(START_MS);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private FakeIdp idp;
    private ZeroServe server;
    private final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void needsClang() {
        Assumptions.assumeTrue(ScriptCompiler.available(), "clang is not installed");
    }

    @BeforeEach
    void startIdp() throws IOException {
        idp = new FakeIdp();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        idp.close();
    }

    // ---- the fake identity provider ----

    /** What the IdP remembers about a code it issued at its authorization endpoint. */
    private record Grant(String challenge, String nonce, String redirectUri) {
    }

    private final class FakeIdp implements AutoCloseable {
        final HttpServer http;
        final String issuer;
        final Map<String, Grant> grants = new ConcurrentHashMap<>();
        final AtomicInteger discoveries = new AtomicInteger();
        final AtomicInteger exchanges = new AtomicInteger();
        volatile boolean failTokens;
        volatile String lastAuthMethod;

        FakeIdp() throws IOException {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            issuer = "http://127.0.0.1:" + http.getAddress().getPort();
            http.createContext("/.well-known/openid-configuration", ex -> {
                discoveries.incrementAndGet();
                reply(ex, 200, "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer
                        + "/authorize\",\"token_endpoint\":\"" + issuer + "/token\","
                        + "\"token_endpoint_auth_methods_supported\":"
                        + "[\"client_secret_post\",\"client_secret_basic\"]}");
            });
            http.createContext("/token", this::token);
            http.start();
        }

        /** The IdP's side of the user's visit to the authorization endpoint: a code bound to the request. */
        String authorize(Map<String, String> params) {
            String code = "code-" + Pkce.randomToken(new java.security.SecureRandom(), 9);
            grants.put(code, new Grant(params.get("code_challenge"), params.get("nonce"), params.get("redirect_uri")));
            return code;
        }

        private void token(HttpExchange ex) throws IOException {
            exchanges.incrementAndGet();
            Map<String, String> form = parseQuery(new String(ex.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String id = form.get("client_id");
            String secret = form.get("client_secret");
            lastAuthMethod = "client_secret_post";
            if (auth != null && auth.startsWith("Basic ")) {
                String[] pair = new String(Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8)
                        .split(":", 2);
                id = URLDecoder.decode(pair[0], StandardCharsets.UTF_8);
                secret = URLDecoder.decode(pair[1], StandardCharsets.UTF_8);
                lastAuthMethod = "client_secret_basic";
            }
            if (failTokens) {
                reply(ex, 500, "{\"error\":\"server_error\",\"error_description\":\"down for maintenance\"}");
                return;
            }
            if (!CLIENT_ID.equals(id) || !CLIENT_SECRET.equals(secret)) {
                reply(ex, 401, "{\"error\":\"invalid_client\"}");
                return;
            }
            Grant grant = grants.remove(form.getOrDefault("code", "")); // a code is good once
            if (grant == null || !"authorization_code".equals(form.get("grant_type"))
                    || !grant.redirectUri.equals(form.get("redirect_uri"))
                    || !grant.challenge.equals(Pkce.challenge(form.getOrDefault("code_verifier", "")))) {
                reply(ex, 400, "{\"error\":\"invalid_grant\"}");
                return;
            }
            long exp = clockMs.get() / 1000 + 300;
            String claims = "{\"iss\":\"" + issuer + "\",\"aud\":\"" + CLIENT_ID + "\",\"sub\":\"user-1\","
                    + "\"email\":\"user@example.com\",\"exp\":" + exp + ",\"nonce\":\"" + grant.nonce + "\"}";
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String idToken = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                    + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
            reply(ex, 200, "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"id_token\":\"" + idToken + "\"}");
        }

        private static void reply(HttpExchange ex, int status, String json) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }

    // ---- the site ----

    private static String cString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private void startSite(String cfgJson) throws Exception {
        String script = """
                #include "zeroserve.h"
                static const char CFG[] = %s;
                static const char BAD_CFG[] = "{\\"client_id\\":\\"x\\",\\"cookie_secret\\":\\"short\\"}";
                ZS_ENTRY zs_u64 e(void) {
                  char path[256];
                  zs_req_normalized_path(path, sizeof path);
                  if (zs_strcmp(path, "/public.txt") == 0)
                    return 0;
                  zs_s64 cfg = zs_json_parse(CFG, sizeof CFG - 1);
                  if (zs_strcmp(path, "/callback") == 0) {
                    zs_oidc_handle_callback(cfg);
                    return 0;
                  }
                  if (zs_strcmp(path, "/logout") == 0) {
                    zs_oidc_logout(cfg, ZS_STR(""));
                    return 0;
                  }
                  if (zs_strcmp(path, "/bye") == 0) {
                    zs_oidc_logout(cfg, ZS_STR("https://idp.example/end-session"));
                    return 0;
                  }
                  if (zs_strcmp(path, "/bad-handle") == 0) {
                    zs_oidc_session_verify(cfg + 100);
                    zs_respond(200, ZS_STR("not reached"));
                    return 0;
                  }
                  if (zs_strcmp(path, "/bad-config") == 0) {
                    zs_s64 bad = zs_json_parse(BAD_CFG, sizeof BAD_CFG - 1);
                    if (zs_oidc_session_verify(bad) == -1 && zs_oidc_begin_login(bad, ZS_STR("/")) == -1)
                      zs_respond(200, ZS_STR("config errors are -1"));
                    return 0;
                  }
                  zs_s64 session = zs_oidc_session_verify(cfg);
                  if (session == 0) {
                    char uri[512];
                    zs_req_uri(uri, sizeof uri);
                    zs_oidc_begin_login(cfg, ZS_STR(uri));
                    return 0;
                  }
                  if (zs_strcmp(path, "/whoami") == 0) {
                    char email[128];
                    zs_s64 h = zs_json_get(session, ZS_STR("email"));
                    zs_s64 n = zs_json_read_string(h, email, sizeof email);
                    zs_respond(200, email, n);
                  }
                  return 0;
                }
                """.formatted(cString(cfgJson));
        byte[] elf = ScriptCompiler.compile("oidc.c", script.getBytes(StandardCharsets.UTF_8));
        Path tar = TestSites.create().file("public.txt", "public\n").file("secret.txt", "members only\n")
                .file(".zeroserve/scripts/10-oidc.o", elf).writeTo(Files.createTempFile(tmp, "site", ".tar"));
        server = ZeroServe.builder().site(tar).address("127.0.0.1:0").requestLogging(false)
                .transport(TestSites.transport())
                .scripts(new ScriptConfig(List.of(), List.of(), ScriptOptions.defaults().withWallClock(clockMs::get)
                        .withLog(log::add)))
                .build().start();
    }

    private String discoveryConfig() {
        return "{\"issuer\":\"" + idp.issuer + "\",\"client_id\":\"" + CLIENT_ID + "\",\"client_secret\":\""
                + CLIENT_SECRET + "\",\"redirect_uri\":\"" + REDIRECT_URI + "\","
                + "\"cookie_secret\":\"test-cookie-secret-stable-1234\",\"session_ttl_secs\":600}";
    }

    // ---- the browser ----

    /** A cookie jar for one host, enough for this test. */
    private final Map<String, String> jar = new LinkedHashMap<>();

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + pathAndQuery)).GET();
        if (!jar.isEmpty()) {
            StringBuilder cookie = new StringBuilder();
            jar.forEach((k, v) -> cookie.append(cookie.isEmpty() ? "" : "; ").append(k).append('=').append(v));
            b.header("Cookie", cookie.toString());
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        for (String setCookie : r.headers().allValues("set-cookie")) {
            String pair = setCookie.split(";", 2)[0];
            String name = pair.substring(0, pair.indexOf('='));
            String value = pair.substring(pair.indexOf('=') + 1);
            if (value.isEmpty() || setCookie.contains("Max-Age=0")) {
                jar.remove(name);
            } else {
                jar.put(name, value);
            }
        }
        return r;
    }

    private static Map<String, String> parseQuery(String query) {
        Map<String, String> out = new HashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** Follows begin_login's redirect to the (fake) authorization endpoint; returns the callback's path. */
    private String loginAtIdp(HttpResponse<String> redirect) {
        assertEquals(302, redirect.statusCode());
        String location = redirect.headers().firstValue("location").orElseThrow();
        assertTrue(location.startsWith(idp.issuer + "/authorize?"), location);
        Map<String, String> params = parseQuery(URI.create(location).getRawQuery());
        assertEquals("code", params.get("response_type"));
        assertEquals(CLIENT_ID, params.get("client_id"));
        assertEquals(REDIRECT_URI, params.get("redirect_uri"));
        assertEquals("openid profile email", params.get("scope"));
        assertEquals("S256", params.get("code_challenge_method"));
        assertEquals(43, params.get("code_challenge").length());
        assertFalse(params.getOrDefault("state", "").isEmpty());
        assertFalse(params.getOrDefault("nonce", "").isEmpty());
        String code = idp.authorize(params);
        return "/callback?code=" + code + "&state=" + params.get("state");
    }

    // ---- the tests ----

    @Test
    void fullLoginProtectsFilesUntilLogout() throws Exception {
        startSite(discoveryConfig());
        assertEquals("public\n", get("/public.txt").body(), "unprotected paths pass through");

        HttpResponse<String> start = get("/secret.txt?x=1");
        assertEquals("no-store", start.headers().firstValue("cache-control").orElse(""));
        String stateCookie = start.headers().firstValue("set-cookie").orElseThrow();
        assertTrue(stateCookie.startsWith("__zs_oidc_state=") && stateCookie.contains("HttpOnly")
                && stateCookie.contains("SameSite=Lax") && stateCookie.contains("Path=/")
                && !stateCookie.contains("Secure"), "no Secure on a plain-http login: " + stateCookie);
        String callback = loginAtIdp(start);
        assertEquals(1, idp.discoveries.get());

        String stateValue = jar.get("__zs_oidc_state");
        HttpResponse<String> done = get(callback);
        assertEquals(302, done.statusCode(), done.body());
        assertEquals("/secret.txt?x=1", done.headers().firstValue("location").orElseThrow(), "back to return_to");
        List<String> cookies = done.headers().allValues("set-cookie");
        assertEquals(2, cookies.size(), cookies.toString());
        assertTrue(cookies.stream().anyMatch(c -> c.startsWith("__zs_oidc_session=") && c.contains("Max-Age=600")
                && c.contains("HttpOnly") && c.contains("SameSite=Lax")), cookies.toString());
        assertTrue(jar.containsKey("__zs_oidc_session"));
        assertFalse(jar.containsKey("__zs_oidc_state"), "the state cookie is cleared");
        assertEquals("client_secret_post", idp.lastAuthMethod);

        assertEquals("members only\n", get("/secret.txt").body(), "the session opens the protected file");
        assertEquals("user@example.com", get("/whoami").body(), "the claims reach the script");

        assertEquals("missing login state", get(callback).body(), "the browser no longer has the state cookie");
        jar.put("__zs_oidc_state", stateValue);
        HttpResponse<String> replay = get(callback);
        assertEquals(502, replay.statusCode(), "a replayed callback: the IdP refuses the used code");
        jar.remove("__zs_oidc_state");

        HttpResponse<String> out = get("/logout");
        assertEquals(200, out.statusCode());
        assertEquals("logged out", out.body());
        assertFalse(jar.containsKey("__zs_oidc_session"));
        assertEquals(302, get("/secret.txt").statusCode(), "logged out: back to the IdP");
        assertEquals(1, idp.discoveries.get(), "discovery is cached");
    }

    @Test
    void callbackWithABadOrMissingStateIs400() throws Exception {
        startSite(discoveryConfig());
        String callback = loginAtIdp(get("/secret.txt"));
        String code = parseQuery(URI.create(callback).getRawQuery()).get("code");

        HttpResponse<String> wrongState = get("/callback?code=" + code + "&state=forged");
        assertEquals(400, wrongState.statusCode());
        assertEquals("state mismatch", wrongState.body());

        String sealed = jar.remove("__zs_oidc_state");
        assertEquals(400, get(callback).statusCode(), "no state cookie");
        jar.put("__zs_oidc_state", sealed.substring(0, sealed.length() - 2) + (sealed.endsWith("AA") ? "BB" : "AA"));
        HttpResponse<String> tampered = get(callback);
        assertEquals(400, tampered.statusCode());
        assertEquals("invalid or expired login state", tampered.body());
        jar.put("__zs_oidc_state", sealed);
        assertEquals(400, get("/callback?state=x").statusCode(), "no code");

        clockMs.addAndGet(601_000); // the login took longer than the state cookie lives
        assertEquals("invalid or expired login state", get(callback).body());
        assertEquals(0, idp.exchanges.get(), "a bad state never reaches the token endpoint");
    }

    @Test
    void tokenEndpointFailureIs502AndLogged() throws Exception {
        startSite(discoveryConfig());
        String callback = loginAtIdp(get("/secret.txt"));
        idp.failTokens = true;
        HttpResponse<String> r = get(callback);
        assertEquals(502, r.statusCode());
        assertEquals("authentication failed", r.body());
        assertFalse(jar.containsKey("__zs_oidc_session"));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("[oidc] ") && l.contains("status 500")
                && l.contains("server_error")), log.toString());
    }

    @Test
    void anExpiredSessionCountsAsNone() throws Exception {
        startSite(discoveryConfig());
        get(loginAtIdp(get("/secret.txt")));
        assertEquals(200, get("/secret.txt").statusCode());
        clockMs.addAndGet(600_000); // exp == now is still valid
        assertEquals(200, get("/secret.txt").statusCode());
        clockMs.addAndGet(1_000);
        HttpResponse<String> again = get("/secret.txt");
        assertEquals(302, again.statusCode(), "session_ttl_secs has passed");
        assertTrue(again.headers().firstValue("location").orElseThrow().startsWith(idp.issuer + "/authorize?"));
    }

    @Test
    void aFailedDiscoveryFaultsTheLoginWithTheReasonLogged() throws Exception {
        startSite(discoveryConfig().replace(idp.issuer, idp.issuer + "/tenant")); // the fake IdP answers 404
        HttpResponse<String> r = get("/secret.txt");
        assertEquals(500, r.statusCode(), "as in the original: a fault");
        assertFalse(jar.containsKey("__zs_oidc_state"));
        assertTrue(log.stream().anyMatch(l -> l.contains("zs_oidc_begin_login") && l.contains("discovery at "
                + idp.issuer + "/tenant/.well-known/openid-configuration answered status 404")), log.toString());
    }

    @Test
    void explicitEndpointsBasicAuthOpenRedirectsAndConfigErrors() throws Exception {
        startSite("{\"authorization_endpoint\":\"" + idp.issuer + "/authorize\",\"token_endpoint\":\"" + idp.issuer
                + "/token\",\"client_id\":\"" + CLIENT_ID + "\",\"client_secret\":\"" + CLIENT_SECRET + "\","
                + "\"redirect_uri\":\"https://app.test/callback\",\"cookie_secret\":\"0123456789abcdef\","
                + "\"token_endpoint_auth_method\":\"client_secret_basic\",\"scope\":\"openid email\"}");
        HttpResponse<String> start = get("//evil.example/x");
        assertTrue(start.headers().firstValue("set-cookie").orElseThrow().endsWith("; Secure"),
                "an https redirect_uri makes the cookies Secure");
        String location = start.headers().firstValue("location").orElseThrow();
        Map<String, String> params = parseQuery(URI.create(location).getRawQuery());
        assertEquals("openid email", params.get("scope"));
        assertEquals("https://app.test/callback", params.get("redirect_uri"));
        String callback = "/callback?code=" + idp.authorize(params) + "&state=" + params.get("state");
        HttpResponse<String> done = get(callback);
        assertEquals(302, done.statusCode(), done.body());
        assertEquals("client_secret_basic", idp.lastAuthMethod);
        assertEquals(0, idp.discoveries.get(), "explicit endpoints need no discovery");
        assertNotNull(jar.get("__zs_oidc_session"));
        // zs_req_uri of "//evil.example/x" is a path on this site once normalized; a real absolute target would
        // have become "/" (OidcFlow.safeReturnTo, tested on its own).
        assertTrue(done.headers().firstValue("location").orElseThrow().startsWith("/")
                && !done.headers().firstValue("location").orElseThrow().startsWith("//"));

        HttpResponse<String> bye = get("/bye");
        assertEquals(302, bye.statusCode());
        assertEquals("https://idp.example/end-session", bye.headers().firstValue("location").orElseThrow());
        assertFalse(jar.containsKey("__zs_oidc_session"));

        assertEquals("config errors are -1", get("/bad-config").body());
        HttpResponse<String> fault = get("/bad-handle");
        assertEquals(500, fault.statusCode(), "an unknown handle is a hard failure");
        assertEquals("", fault.body());
        assertTrue(log.stream().anyMatch(l -> l.equals("[oidc] zs_oidc_session_verify: cookie_secret must be at "
                + "least 16 bytes, got 5")), log.toString());
    }
}
