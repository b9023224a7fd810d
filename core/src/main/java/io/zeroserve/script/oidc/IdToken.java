package io.zeroserve.script.oidc;

import io.zeroserve.script.json.JsonCodec;
import io.zeroserve.script.json.JsonNode;

import java.util.Base64;
import java.util.Optional;

/**
 * The claims of an id_token (a JWS compact serialization, RFC 7515 §7.1) and their checks (OpenID Connect Core
 * §3.1.3.7). The signature is NOT verified against the IdP's JWKS, as in the original zeroserve: the token comes
 * straight from the token endpoint over a connection the server opened itself, which §3.1.3.7 allows to stand in
 * for the signature check (use https endpoints so that holds). {@code iss}, {@code aud}, {@code exp} and
 * {@code nonce} are checked.
 */
public final class IdToken {
    private IdToken() {
    }

    /** The payload of {@code header.payload.signature} as a JSON object. */
    public static JsonNode claims(String jwt) throws IdpException {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw new IdpException("id_token is not a JWS compact serialization (" + parts.length + " parts)");
        }
        byte[] payload;
        try {
            payload = Base64.getUrlDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new IdpException("id_token payload is not base64url");
        }
        Optional<JsonNode> claims = JsonCodec.parse(payload);
        if (claims.isEmpty() || !claims.get().isObject()) {
            throw new IdpException("id_token payload is not a JSON object");
        }
        return claims.get();
    }

    /**
     * @param expectedIssuer the issuer the {@code iss} claim must equal, or null to skip (no issuer configured)
     * @param nowSecs        Unix time in seconds; a token with {@code exp <= now} is refused
     */
    public static void validate(JsonNode claims, String expectedIssuer, String clientId, String nonce, long nowSecs)
            throws IdpException {
        if (expectedIssuer != null && !expectedIssuer.equals(string(claims, "iss"))) {
            throw new IdpException("id_token iss '" + string(claims, "iss") + "' is not the issuer '"
                    + expectedIssuer + "'");
        }
        JsonNode aud = claims.object().get("aud");
        boolean audOk = false;
        if (aud != null && aud.kind() == JsonNode.Kind.STRING) {
            audOk = aud.string().equals(clientId);
        } else if (aud != null && aud.isArray()) {
            for (JsonNode a : aud.array()) {
                audOk |= a.kind() == JsonNode.Kind.STRING && a.string().equals(clientId);
            }
        }
        if (!audOk) {
            throw new IdpException("id_token aud does not name client_id '" + clientId + "'");
        }
        JsonNode exp = claims.object().get("exp");
        if (exp == null || exp.kind() != JsonNode.Kind.NUMBER) {
            throw new IdpException("id_token has no numeric exp");
        }
        if (exp.number().longValue() <= nowSecs) {
            throw new IdpException("id_token expired at " + exp.number().longValue() + " (now " + nowSecs + ")");
        }
        if (!nonce.equals(string(claims, "nonce"))) {
            throw new IdpException("id_token nonce does not match the login's nonce");
        }
    }

    private static String string(JsonNode claims, String key) {
        JsonNode v = claims.object().get(key);
        return v != null && v.kind() == JsonNode.Kind.STRING ? v.string() : null;
    }
}
