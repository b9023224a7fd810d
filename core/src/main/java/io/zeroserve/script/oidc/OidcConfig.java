package io.zeroserve.script.oidc;

import io.zeroserve.script.json.JsonNode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code cfg} JSON object of the {@code zs_oidc_*} helpers, read once per call. Unknown keys are ignored.
 *
 * @param issuer                the IdP's issuer URL, or null; enables discovery and the {@code iss} check
 * @param authorizationEndpoint explicit endpoint, or null (then discovered); explicit endpoints win over discovery
 * @param tokenEndpoint         explicit endpoint, or null (then discovered)
 * @param clientId              required for login
 * @param clientSecret          may be empty (a public client: PKCE only)
 * @param redirectUri           required for login; the callback URL registered at the IdP
 * @param scope                 default {@value #DEFAULT_SCOPE}
 * @param cookieSecret          UTF-8 bytes of {@code cookie_secret}; at least {@value #MIN_SECRET_BYTES} to be usable
 * @param sessionTtlSecs        {@code session_ttl_secs}, default {@value #DEFAULT_SESSION_TTL_SECS}; a missing,
 *                              non-integer or non-positive value means the default
 * @param tokenAuthMethod       {@code token_endpoint_auth_method}: {@code client_secret_post},
 *                              {@code client_secret_basic} or {@code none}; null to choose (see {@link IdpClient})
 */
public record OidcConfig(String issuer, String authorizationEndpoint, String tokenEndpoint, String clientId,
                         String clientSecret, String redirectUri, String scope, byte[] cookieSecret,
                         long sessionTtlSecs, String tokenAuthMethod) {
    public static final String DEFAULT_SCOPE = "openid profile email";
    public static final long DEFAULT_SESSION_TTL_SECS = 3600;
    public static final int MIN_SECRET_BYTES = 16;
    static final Set<String> AUTH_METHODS = Set.of("client_secret_post", "client_secret_basic", "none");

    /** Reads the keys; fails only when {@code cfg} is not an object. Use the {@code require*} checks next. */
    public static OidcConfig parse(JsonNode cfg) throws OidcConfigException {
        if (!cfg.isObject()) {
            throw new OidcConfigException("cfg is not a JSON object");
        }
        String secret = string(cfg, "cookie_secret");
        return new OidcConfig(nonEmpty(string(cfg, "issuer")), nonEmpty(string(cfg, "authorization_endpoint")),
                nonEmpty(string(cfg, "token_endpoint")), orEmpty(string(cfg, "client_id")),
                orEmpty(string(cfg, "client_secret")), orEmpty(string(cfg, "redirect_uri")),
                nonEmpty(string(cfg, "scope")) == null ? DEFAULT_SCOPE : string(cfg, "scope"),
                orEmpty(secret).getBytes(StandardCharsets.UTF_8), ttl(cfg.object().get("session_ttl_secs")),
                nonEmpty(string(cfg, "token_endpoint_auth_method")));
    }

    /** What every helper that reads or writes a cookie needs: a cookie_secret of at least 16 bytes. */
    public OidcConfig requireCookieSecret() throws OidcConfigException {
        if (cookieSecret.length < MIN_SECRET_BYTES) {
            throw new OidcConfigException("cookie_secret must be at least " + MIN_SECRET_BYTES + " bytes, got "
                    + cookieSecret.length);
        }
        return this;
    }

    /** What begin_login and the callback need: client_id, redirect_uri, a secret, and a way to find the endpoints. */
    public OidcConfig requireLogin() throws OidcConfigException {
        if (clientId.isEmpty()) {
            throw new OidcConfigException("client_id is missing");
        }
        if (redirectUri.isEmpty()) {
            throw new OidcConfigException("redirect_uri is missing");
        }
        requireCookieSecret();
        if (authorizationEndpoint == null || tokenEndpoint == null) {
            if (issuer == null) {
                throw new OidcConfigException("needs issuer, or authorization_endpoint and token_endpoint");
            }
            requireHttpUrl("issuer", issuer);
        }
        if (authorizationEndpoint != null) {
            requireHttpUrl("authorization_endpoint", authorizationEndpoint);
        }
        if (tokenEndpoint != null) {
            requireHttpUrl("token_endpoint", tokenEndpoint);
        }
        if (tokenAuthMethod != null && !AUTH_METHODS.contains(tokenAuthMethod)) {
            throw new OidcConfigException("token_endpoint_auth_method must be one of " + AUTH_METHODS + ", got '"
                    + tokenAuthMethod + "'");
        }
        return this;
    }

    /** Names the endpoints and the client, never the secrets. */
    @Override
    public String toString() {
        return "OidcConfig[issuer=" + issuer + ", authorization_endpoint=" + authorizationEndpoint
                + ", token_endpoint=" + tokenEndpoint + ", client_id=" + clientId + ", redirect_uri=" + redirectUri
                + ", scope=" + scope + ", session_ttl_secs=" + sessionTtlSecs + "]";
    }

    /** The cookies get {@code Secure} when the request came over TLS or the redirect_uri is https. */
    public boolean secureCookies(boolean requestIsTls) {
        return requestIsTls || redirectUri.toLowerCase(Locale.ROOT).startsWith("https://");
    }

    static void requireHttpUrl(String key, String value) throws OidcConfigException {
        if (!isHttpUrl(value)) {
            throw new OidcConfigException(key + " must be an absolute http or https URL, got '" + value + "'");
        }
    }

    static boolean isHttpUrl(String value) {
        try {
            URI u = new URI(value);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String string(JsonNode cfg, String key) {
        JsonNode v = cfg.object().get(key);
        return v != null && v.kind() == JsonNode.Kind.STRING ? v.string() : null;
    }

    private static String nonEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static long ttl(JsonNode v) {
        if (v == null || v.kind() != JsonNode.Kind.NUMBER) {
            return DEFAULT_SESSION_TTL_SECS;
        }
        try {
            long n = v.number().longValueExact();
            return n > 0 ? n : DEFAULT_SESSION_TTL_SECS;
        } catch (ArithmeticException e) {
            return DEFAULT_SESSION_TTL_SECS;
        }
    }
}
