package io.zeroserve.script.oidc;

import io.zeroserve.script.json.JsonCodec;
import io.zeroserve.script.json.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** id_token claim checks, and the return_to rule that keeps the callback from being an open redirect. */
class IdTokenTest {
    private static final long NOW = 1_800_000_000L;

    static String jwt(String claimsJson) {
        Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
        return e.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + e.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    private static JsonNode claims(String json) throws IdpException {
        return IdToken.claims(jwt(json));
    }

    private static final String GOOD = "{\"iss\":\"https://idp.example\",\"aud\":\"client-1\",\"exp\":" + (NOW + 60)
            + ",\"nonce\":\"N\",\"sub\":\"u1\"}";

    @Test
    void goodClaimsPass() throws Exception {
        JsonNode c = claims(GOOD);
        IdToken.validate(c, "https://idp.example", "client-1", "N", NOW);
        IdToken.validate(c, null, "client-1", "N", NOW);
        assertEquals("u1", c.object().get("sub").string());
        IdToken.validate(claims("{\"aud\":[\"other\",\"client-1\"],\"exp\":" + (NOW + 1) + ",\"nonce\":\"N\"}"),
                null, "client-1", "N", NOW);
    }

    @Test
    void wrongIssuerAudienceExpiryOrNonceIsRefused() throws Exception {
        JsonNode c = claims(GOOD);
        assertThrows(IdpException.class, () -> IdToken.validate(c, "https://evil.example", "client-1", "N", NOW));
        assertThrows(IdpException.class, () -> IdToken.validate(c, "https://idp.example", "client-2", "N", NOW));
        assertThrows(IdpException.class, () -> IdToken.validate(c, "https://idp.example", "client-1", "M", NOW));
        assertThrows(IdpException.class, () -> IdToken.validate(c, "https://idp.example", "client-1", "N", NOW + 60),
                "exp == now has expired");
        assertThrows(IdpException.class, () -> IdToken.validate(claims("{\"aud\":\"client-1\",\"nonce\":\"N\"}"),
                null, "client-1", "N", NOW), "exp is required");
        assertThrows(IdpException.class, () -> IdToken.validate(claims("{\"aud\":\"client-1\",\"exp\":" + (NOW + 9)
                + "}"), null, "client-1", "N", NOW), "nonce is required");
        assertThrows(IdpException.class, () -> IdToken.validate(claims("{\"aud\":[],\"exp\":" + (NOW + 9)
                + ",\"nonce\":\"N\"}"), null, "client-1", "N", NOW));
    }

    @Test
    void malformedTokensAreRefused() {
        assertThrows(IdpException.class, () -> IdToken.claims("a.b"));
        assertThrows(IdpException.class, () -> IdToken.claims("a.%%%.c"));
        assertThrows(IdpException.class, () -> IdToken.claims(jwt("[1,2]")));
        assertThrows(IdpException.class, () -> IdToken.claims(jwt("not json")));
        assertTrue(JsonCodec.parse("{}").isPresent());
    }

    @Test
    void openRedirectThroughReturnToIsRefused() {
        assertEquals("/docs/a?b=1#c", OidcFlow.safeReturnTo("/docs/a?b=1#c"));
        assertEquals("/", OidcFlow.safeReturnTo("/"));
        for (String evil : new String[] {"https://evil.example/", "//evil.example/x", "/\\evil.example",
                "\\\\evil.example", "javascript:alert(1)", "evil.example", "", "/a\r\nSet-Cookie: x=1", "/a\\b",
                "/caf\u00e9", "/a b",
                "/" + "a".repeat(OidcFlow.MAX_RETURN_TO)}) {
            assertEquals("/", OidcFlow.safeReturnTo(evil), evil);
        }
        assertEquals("/", OidcFlow.safeReturnTo(null));
    }

    @Test
    void cookieHeaderParsing() {
        String header = "foo=bar; __zs_oidc_session=abc.def ;baz=qux=1";
        assertEquals("abc.def", Cookies.value(header, Cookies.SESSION));
        assertEquals("qux=1", Cookies.value(header, "baz"));
        assertEquals(null, Cookies.value(header, "missing"));
        assertEquals(null, Cookies.value(null, "foo"));
        assertEquals("__zs_oidc_state=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure",
                Cookies.clear(Cookies.STATE, true));
    }
}
