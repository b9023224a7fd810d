package io.zeroserve.script.oidc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Sealed cookie values: {@code base64url-nopad(nonce(24) || XChaCha20-Poly1305(plaintext) || tag(16))}, keyed by
 * SHA-256 of the {@code cookie_secret}, with a fixed AAD per cookie kind so a state cookie cannot be replayed as a
 * session cookie. The same format, key derivation and AADs as the original zeroserve, so sessions survive a move
 * between the two. Thread-safe.
 */
public final class CookieSeal {
    /** AAD of the transient login-state cookie. */
    public static final byte[] STATE_AAD = "zeroserve.oidc.state.v1".getBytes(StandardCharsets.US_ASCII);
    /** AAD of the session cookie. */
    public static final byte[] SESSION_AAD = "zeroserve.oidc.session.v1".getBytes(StandardCharsets.US_ASCII);

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final byte[] key;
    private final SecureRandom random;

    private CookieSeal(byte[] key, SecureRandom random) {
        this.key = key;
        this.random = random;
    }

    /** A seal keyed by SHA-256({@code secret}); the caller checks the secret's length (at least 16 bytes). */
    public static CookieSeal create(byte[] secret, SecureRandom random) {
        try {
            return new CookieSeal(MessageDigest.getInstance("SHA-256").digest(secret), random);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Seals with a fresh random nonce; the result is cookie-safe (base64url, no padding). */
    public String seal(byte[] aad, byte[] plaintext) {
        byte[] nonce = new byte[XChaCha20Poly1305.NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = XChaCha20Poly1305.seal(key, nonce, aad, plaintext);
        byte[] out = Arrays.copyOf(nonce, nonce.length + sealed.length);
        System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
        return ENCODER.encodeToString(out);
    }

    /** The plaintext, or null when the value is not base64url, too short, or fails authentication. */
    public byte[] open(byte[] aad, String value) {
        byte[] raw;
        try {
            raw = DECODER.decode(value.trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (raw.length < XChaCha20Poly1305.NONCE_BYTES + XChaCha20Poly1305.TAG_BYTES) {
            return null;
        }
        byte[] nonce = Arrays.copyOf(raw, XChaCha20Poly1305.NONCE_BYTES);
        byte[] sealed = Arrays.copyOfRange(raw, XChaCha20Poly1305.NONCE_BYTES, raw.length);
        return XChaCha20Poly1305.open(key, nonce, aad, sealed);
    }
}
