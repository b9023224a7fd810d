package io.zeroserve.script.oidc;

import io.zeroserve.script.json.JsonCodec;
import io.zeroserve.script.json.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * OpenID Connect login as a Relying Party: Authorization Code flow with PKCE (OpenID Connect Core §3.1, RFC 7636),
 * with no server-side store: the login state and the session live in {@link CookieSeal sealed} cookies. One per
 * server; the {@code zs_oidc_*} helpers call it. Thread-safe.
 *
 * <p>The login state cookie holds {@code {state, nonce, code_verifier, return_to, exp}} for
 * {@value #STATE_TTL_SECS} s; the session cookie holds {@code {exp, claims}} for {@code session_ttl_secs}. Both
 * are JSON, as in the original zeroserve.
 */
public final class OidcFlow {
    /** How long a login may take between begin_login and the callback. */
    public static final long STATE_TTL_SECS = 600;
    /** Longest return_to kept; a longer one becomes {@code /} (it rides in a cookie). */
    static final int MAX_RETURN_TO = 2048;
    /** Browsers drop cookies above about this size (RFC 6265 §6.1 asks for at least 4096 bytes per cookie). */
    static final int COOKIE_WARN_BYTES = 4096;
    private static final String TEXT = "text/plain; charset=utf-8";

    /**
     * A response to send.
     *
     * @param headers (lowercase name, value) pairs, in order; {@code set-cookie} may repeat
     */
    public record Reply(int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers) {
        static Reply of(int status, String body, List<Map.Entry<String, String>> headers) {
            List<Map.Entry<String, String>> all = new ArrayList<>(headers);
            all.add(Map.entry("cache-control", "no-store")); // login redirects and cookies must not be cached
            return new Reply(status, TEXT, body.getBytes(StandardCharsets.UTF_8), List.copyOf(all));
        }
    }

    private final IdpClient idp;
    private final LongSupplier clockMs;
    private final SecureRandom random;

    private OidcFlow(IdpClient idp, LongSupplier clockMs, SecureRandom random) {
        this.idp = idp;
        this.clockMs = clockMs;
        this.random = random;
    }

    /** @param clockMs Unix time in ms, for cookie and id_token expiry */
    public static OidcFlow create(LongSupplier clockMs) {
        return new OidcFlow(IdpClient.create(), clockMs, new SecureRandom());
    }

    private long nowSecs() {
        return Math.floorDiv(clockMs.getAsLong(), 1000);
    }

    /**
     * Starts a login: a 302 to the authorization endpoint with a fresh state, nonce and PKCE challenge, and the
     * state cookie that remembers them.
     *
     * @param cfg      checked with {@link OidcConfig#requireLogin()}
     * @param returnTo where the callback sends the user; anything but a same-site path becomes {@code /}
     * @throws IdpException when discovery fails
     */
    public Reply beginLogin(OidcConfig cfg, String returnTo, boolean tls) throws IdpException {
        IdpClient.Endpoints endpoints = idp.endpoints(cfg);
        String state = Pkce.randomToken(random, 16);
        String nonce = Pkce.randomToken(random, 16);
        String verifier = Pkce.verifier(random);
        JsonNode data = JsonNode.newObject();
        data.object().put("state", JsonNode.of(state));
        data.object().put("nonce", JsonNode.of(nonce));
        data.object().put("code_verifier", JsonNode.of(verifier));
        data.object().put("return_to", JsonNode.of(safeReturnTo(returnTo)));
        data.object().put("exp", JsonNode.of(nowSecs() + STATE_TTL_SECS));
        String sealed = seal(cfg).seal(CookieSeal.STATE_AAD, JsonCodec.serializeUtf8(data));
        String location = endpoints.authorization()
                + (endpoints.authorization().contains("?") ? "&" : "?")
                + "response_type=code"
                + "&client_id=" + IdpClient.formEncode(cfg.clientId())
                + "&redirect_uri=" + IdpClient.formEncode(cfg.redirectUri())
                + "&scope=" + IdpClient.formEncode(cfg.scope())
                + "&state=" + state
                + "&nonce=" + nonce
                + "&code_challenge=" + Pkce.challenge(verifier)
                + "&code_challenge_method=S256";
        return Reply.of(302, "", List.of(Map.entry("location", location),
                Map.entry("set-cookie", Cookies.set(Cookies.STATE, sealed, STATE_TTL_SECS, cfg.secureCookies(tls)))));
    }

    /**
     * Finishes a login on the redirect_uri: 400 when {@code code}, {@code state} or the state cookie is missing,
     * unreadable, expired or different; 502 when the exchange or the id_token checks fail (the reason goes to
     * {@code log}); else a 302 to the stored return_to with the session cookie set and the state cookie cleared.
     *
     * @param code         the {@code code} query parameter, or null
     * @param state        the {@code state} query parameter, or null
     * @param cookieHeader the request's {@code Cookie} header, or null
     */
    public Reply handleCallback(OidcConfig cfg, String code, String state, String cookieHeader, boolean tls,
                                Consumer<String> log) {
        if (code == null || code.isEmpty() || state == null || state.isEmpty()) {
            return Reply.of(400, "missing code or state", List.of());
        }
        String sealedState = Cookies.value(cookieHeader, Cookies.STATE);
        if (sealedState == null || sealedState.isEmpty()) {
            return Reply.of(400, "missing login state", List.of());
        }
        CookieSeal seal = seal(cfg);
        JsonNode data = openUnexpired(seal, CookieSeal.STATE_AAD, sealedState);
        String expected = data == null ? null : string(data, "state");
        String nonce = data == null ? null : string(data, "nonce");
        String verifier = data == null ? null : string(data, "code_verifier");
        if (expected == null || nonce == null || verifier == null) {
            return Reply.of(400, "invalid or expired login state", List.of());
        }
        if (!java.security.MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                state.getBytes(StandardCharsets.UTF_8))) {
            return Reply.of(400, "state mismatch", List.of());
        }
        JsonNode claims;
        try {
            IdpClient.Endpoints endpoints = idp.endpoints(cfg);
            String idToken = idp.exchangeCode(cfg, endpoints, code, verifier);
            claims = IdToken.claims(idToken);
            IdToken.validate(claims, endpoints.expectedIssuer(), cfg.clientId(), nonce, nowSecs());
        } catch (IdpException e) {
            log.accept("login failed: " + e.getMessage());
            return Reply.of(502, "authentication failed", List.of());
        }
        JsonNode session = JsonNode.newObject();
        session.object().put("exp", JsonNode.of(nowSecs() + cfg.sessionTtlSecs()));
        session.object().put("claims", claims);
        String sealed = seal.seal(CookieSeal.SESSION_AAD, JsonCodec.serializeUtf8(session));
        boolean secure = cfg.secureCookies(tls);
        String sessionCookie = Cookies.set(Cookies.SESSION, sealed, cfg.sessionTtlSecs(), secure);
        if (sessionCookie.length() > COOKIE_WARN_BYTES) {
            log.accept("the session cookie is " + sessionCookie.length() + " bytes; browsers may drop cookies over "
                    + COOKIE_WARN_BYTES + " (ask for fewer claims with a smaller scope)");
        }
        return Reply.of(302, "", List.of(Map.entry("location", safeReturnTo(string(data, "return_to"))),
                Map.entry("set-cookie", sessionCookie),
                Map.entry("set-cookie", Cookies.clear(Cookies.STATE, secure))));
    }

    /** The claims of a valid, unexpired session cookie, or empty. */
    public Optional<JsonNode> verifySession(OidcConfig cfg, String cookieHeader) {
        String sealed = Cookies.value(cookieHeader, Cookies.SESSION);
        if (sealed == null || sealed.isEmpty()) {
            return Optional.empty();
        }
        JsonNode session = openUnexpired(seal(cfg), CookieSeal.SESSION_AAD, sealed);
        JsonNode claims = session == null ? null : session.object().get("claims");
        return Optional.ofNullable(claims);
    }

    /** Clears the session cookie; a 302 to {@code endUrl} when it is non-empty, else 200. */
    public Reply logout(OidcConfig cfg, String endUrl, boolean tls) {
        Map.Entry<String, String> clear = Map.entry("set-cookie", Cookies.clear(Cookies.SESSION,
                cfg.secureCookies(tls)));
        if (endUrl.isEmpty()) {
            return Reply.of(200, "logged out", List.of(clear));
        }
        return Reply.of(302, "", List.of(Map.entry("location", endUrl), clear));
    }

    /**
     * {@code value} when it is a path on this site ({@code /...}), else {@code /}. Refused: absolute URLs,
     * scheme-relative {@code //host} and {@code /\host} (browsers read {@code \} as {@code /}), anything but
     * printable ASCII (a URI from {@code zs_req_uri} is already percent-encoded), and anything over
     * {@value #MAX_RETURN_TO} bytes: an open redirect would let anyone start a login that ends on their site.
     */
    public static String safeReturnTo(String value) {
        if (value == null || value.isEmpty() || value.length() > MAX_RETURN_TO || value.charAt(0) != '/') {
            return "/";
        }
        if (value.length() > 1 && (value.charAt(1) == '/' || value.charAt(1) == '\\')) {
            return "/";
        }
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch <= 0x20 || ch >= 0x7f || ch == '\\') {
                return "/";
            }
        }
        return value;
    }

    private CookieSeal seal(OidcConfig cfg) {
        return CookieSeal.create(cfg.cookieSecret(), random);
    }

    /** The sealed JSON object, or null when it does not open, is not an object, or its {@code exp} has passed. */
    private JsonNode openUnexpired(CookieSeal seal, byte[] aad, String sealed) {
        byte[] plain = seal.open(aad, sealed);
        if (plain == null) {
            return null;
        }
        JsonNode data = JsonCodec.parse(plain).filter(JsonNode::isObject).orElse(null);
        JsonNode exp = data == null ? null : data.object().get("exp");
        if (exp == null || exp.kind() != JsonNode.Kind.NUMBER || exp.number().longValue() < nowSecs()) {
            return null;
        }
        return data;
    }

    private static String string(JsonNode o, String key) {
        JsonNode v = o.object().get(key);
        return v != null && v.kind() == JsonNode.Kind.STRING ? v.string() : null;
    }
}
