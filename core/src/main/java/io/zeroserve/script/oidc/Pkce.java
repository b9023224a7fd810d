package io.zeroserve.script.oidc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/** Proof Key for Code Exchange (RFC 7636) with the S256 method, and the other random login values. */
public final class Pkce {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private Pkce() {
    }

    /** A code_verifier: 32 random bytes as base64url (43 characters, RFC 7636 §4.1's recommendation). */
    public static String verifier(SecureRandom random) {
        return randomToken(random, 32);
    }

    /** {@code BASE64URL(SHA256(ASCII(code_verifier)))}, RFC 7636 §4.2. */
    public static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return B64URL.encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** {@code bytes} random bytes as base64url without padding (state and nonce use 16). */
    public static String randomToken(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return B64URL.encodeToString(b);
    }
}
