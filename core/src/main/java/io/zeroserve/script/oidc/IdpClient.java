package io.zeroserve.script.oidc;

import io.zeroserve.script.json.JsonCodec;
import io.zeroserve.script.json.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The server's side of talking to an identity provider: discovery ({@code <issuer>/.well-known/openid-configuration},
 * OpenID Connect Discovery §4) with a cache, and the authorization-code exchange at the token endpoint (RFC 6749
 * §4.1.3 with the PKCE {@code code_verifier}). Uses the JDK's {@link HttpClient}, made on first use.
 *
 * <p>Threading: calls block their thread for at most the timeouts below; helpers call them on the request's
 * (virtual) thread, which is off every hot path (logins are rare). Thread-safe.
 *
 * <p>Client authentication: {@code token_endpoint_auth_method} when the config sets it; otherwise {@code none}
 * when there is no client_secret, else {@code client_secret_post} (as the original zeroserve) unless the discovery
 * document lists only {@code client_secret_basic}.
 */
public final class IdpClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Largest discovery or token response read. */
    static final int MAX_RESPONSE_BYTES = 256 * 1024;
    /** How long a discovery document is trusted. */
    static final long DISCOVERY_TTL_NANOS = Duration.ofHours(1).toNanos();
    /** Issuers whose discovery is cached; past this the cache starts over (scripts choose issuers). */
    static final int MAX_CACHED_ISSUERS = 64;

    /**
     * Where to send the user and the code.
     *
     * @param expectedIssuer what the id_token's {@code iss} must be, or null when no issuer is configured
     * @param authMethods    the discovery document's {@code token_endpoint_auth_methods_supported}, or empty
     */
    public record Endpoints(String authorization, String token, String expectedIssuer, List<String> authMethods) {
    }

    private record Cached(Endpoints endpoints, long fetchedNanos) {
    }

    private final ConcurrentHashMap<String, Cached> discovery = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private volatile HttpClient client;

    private IdpClient(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    public static IdpClient create() {
        return new IdpClient(System::nanoTime);
    }

    /** The endpoints from the config, or discovered from the issuer (cached for an hour; failures are not cached). */
    public Endpoints endpoints(OidcConfig cfg) throws IdpException {
        if (cfg.authorizationEndpoint() != null && cfg.tokenEndpoint() != null) {
            return new Endpoints(cfg.authorizationEndpoint(), cfg.tokenEndpoint(), cfg.issuer(), List.of());
        }
        String issuer = cfg.issuer();
        Cached hit = discovery.get(issuer);
        long now = nanoTime.getAsLong();
        Endpoints found;
        if (hit != null && now - hit.fetchedNanos < DISCOVERY_TTL_NANOS) {
            found = hit.endpoints;
        } else {
            found = discover(issuer);
            if (discovery.size() >= MAX_CACHED_ISSUERS) {
                discovery.clear();
            }
            discovery.put(issuer, new Cached(found, now));
        }
        // Explicit endpoints still win one by one.
        return new Endpoints(cfg.authorizationEndpoint() != null ? cfg.authorizationEndpoint() : found.authorization,
                cfg.tokenEndpoint() != null ? cfg.tokenEndpoint() : found.token, found.expectedIssuer,
                found.authMethods);
    }

    private Endpoints discover(String issuer) throws IdpException {
        String url = stripSlash(issuer) + "/.well-known/openid-configuration";
        HttpRequest request = HttpRequest.newBuilder(uri(url)).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json").GET().build();
        Reply reply = send("discovery at " + url, request);
        if (reply.status / 100 != 2) {
            throw new IdpException("discovery at " + url + " answered status " + reply.status);
        }
        JsonNode doc = json("discovery at " + url, reply.body);
        String auth = string(doc, "authorization_endpoint");
        String token = string(doc, "token_endpoint");
        if (auth == null || token == null || !OidcConfig.isHttpUrl(auth) || !OidcConfig.isHttpUrl(token)) {
            throw new IdpException("discovery at " + url + " lacks http(s) authorization_endpoint and token_endpoint");
        }
        // Discovery §4.3: the document's issuer must be the one asked about; tokens then carry exactly that value.
        String docIssuer = string(doc, "issuer");
        if (docIssuer != null && !stripSlash(docIssuer).equals(stripSlash(issuer))) {
            throw new IdpException("discovery at " + url + " names issuer '" + docIssuer + "', not '" + issuer + "'");
        }
        List<String> methods = new ArrayList<>();
        JsonNode listed = doc.object().get("token_endpoint_auth_methods_supported");
        if (listed != null && listed.isArray()) {
            for (JsonNode m : listed.array()) {
                if (m.kind() == JsonNode.Kind.STRING) {
                    methods.add(m.string());
                }
            }
        }
        return new Endpoints(auth, token, docIssuer != null ? docIssuer : issuer, List.copyOf(methods));
    }

    /**
     * Exchanges an authorization code; returns the id_token from a successful token response.
     *
     * @throws IdpException for a transport failure, a non-2xx status, an {@code error} answer, or no id_token
     */
    public String exchangeCode(OidcConfig cfg, Endpoints endpoints, String code, String codeVerifier)
            throws IdpException {
        String method = authMethod(cfg, endpoints);
        List<Map.Entry<String, String>> form = new ArrayList<>(List.of(
                Map.entry("grant_type", "authorization_code"), Map.entry("code", code),
                Map.entry("redirect_uri", cfg.redirectUri()), Map.entry("code_verifier", codeVerifier)));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(endpoints.token())).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (method.equals("client_secret_basic")) {
            // RFC 6749 §2.3.1: each part is form-urlencoded before the Basic encoding.
            String pair = formEncode(cfg.clientId()) + ":" + formEncode(cfg.clientSecret());
            b.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.add(Map.entry("client_id", cfg.clientId()));
            if (method.equals("client_secret_post")) {
                form.add(Map.entry("client_secret", cfg.clientSecret()));
            }
        }
        StringBuilder body = new StringBuilder();
        for (Map.Entry<String, String> e : form) {
            body.append(body.isEmpty() ? "" : "&").append(formEncode(e.getKey())).append('=')
                    .append(formEncode(e.getValue()));
        }
        String what = "token exchange at " + endpoints.token();
        Reply reply = send(what, b.POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        Optional<JsonNode> parsed = JsonCodec.parse(reply.body);
        JsonNode doc = parsed.filter(JsonNode::isObject).orElse(null);
        if (reply.status / 100 != 2 || doc == null || doc.object().containsKey("error")) {
            String error = doc == null ? null : string(doc, "error");
            String description = doc == null ? null : string(doc, "error_description");
            throw new IdpException(what + " answered status " + reply.status
                    + (error == null ? "" : ", error '" + printable(error) + "'")
                    + (description == null ? "" : " (" + printable(description) + ")")
                    + (doc == null ? ", not a JSON object" : ""));
        }
        String idToken = string(doc, "id_token");
        if (idToken == null || idToken.isEmpty()) {
            throw new IdpException(what + ": the response has no id_token (is 'openid' in the scope?)");
        }
        return idToken;
    }

    static String authMethod(OidcConfig cfg, Endpoints endpoints) {
        if (cfg.tokenAuthMethod() != null) {
            return cfg.tokenAuthMethod();
        }
        if (cfg.clientSecret().isEmpty()) {
            return "none";
        }
        List<String> listed = endpoints.authMethods();
        if (!listed.isEmpty() && !listed.contains("client_secret_post") && listed.contains("client_secret_basic")) {
            return "client_secret_basic";
        }
        return "client_secret_post";
    }

    private record Reply(int status, byte[] body) {
    }

    private Reply send(String what, HttpRequest request) throws IdpException {
        try {
            HttpResponse<InputStream> response = client().send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                byte[] body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
                if (body.length > MAX_RESPONSE_BYTES) {
                    throw new IdpException(what + ": response larger than " + MAX_RESPONSE_BYTES + " bytes");
                }
                return new Reply(response.statusCode(), body);
            }
        } catch (IOException e) {
            throw new IdpException(what + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the request is being cancelled; let its owner see it
            throw new IdpException(what + " interrupted", e);
        }
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                            .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
                    client = c;
                }
            }
        }
        return c;
    }

    private static JsonNode json(String what, byte[] body) throws IdpException {
        Optional<JsonNode> doc = JsonCodec.parse(body);
        if (doc.isEmpty() || !doc.get().isObject()) {
            throw new IdpException(what + ": the response is not a JSON object");
        }
        return doc.get();
    }

    private static URI uri(String url) throws IdpException {
        try {
            return URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IdpException("not a URL: " + url);
        }
    }

    private static String string(JsonNode doc, String key) {
        JsonNode v = doc.object().get(key);
        return v != null && v.kind() == JsonNode.Kind.STRING ? v.string() : null;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    static String formEncode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** What the IdP said, made safe for one log line. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && i < 200; i++) {
            char ch = s.charAt(i);
            out.append(ch >= 0x20 && ch < 0x7f ? ch : '?');
        }
        return out.toString();
    }
}
