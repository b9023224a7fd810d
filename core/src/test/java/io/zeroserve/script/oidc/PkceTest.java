package io.zeroserve.script.oidc;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PkceTest {
    @Test
    void s256MatchesRfc7636AppendixB() {
        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
                Pkce.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
    }

    @Test
    void verifiersAreFresh43CharacterUnreservedStrings() {
        SecureRandom random = new SecureRandom();
        String a = Pkce.verifier(random);
        assertEquals(43, a.length());
        assertTrue(a.matches("[A-Za-z0-9_-]{43}"), a); // RFC 7636 §4.1: unreserved characters, 43..128 long
        assertNotEquals(a, Pkce.verifier(random));
    }
}
