package io.zeroserve.script.oidc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Checked against draft-irtf-cfrg-xchacha-03 (§2.2.1 and Appendix A.1); then the cookie seal built on it. */
class XChaCha20Poly1305Test {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] hex(String s) {
        return HEX.parseHex(s.replaceAll("[\\s:]", ""));
    }

    private static byte[] range(int from, int count) {
        byte[] b = new byte[count];
        for (int i = 0; i < count; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }

    @Test
    void hChaCha20MatchesTheDraftsVector() {
        byte[] key = range(0x00, 32);
        byte[] nonce = hex("000000090000004a0000000031415927");
        assertEquals("82413b4227b27bfed30e42508a877d73a0f9e4d58a74a853c12ec41326d3ecdc",
                HEX.formatHex(XChaCha20Poly1305.hChaCha20(key, nonce)));
    }

    private static final byte[] PLAINTEXT = ("Ladies and Gentlemen of the class of '99: If I could offer you only one "
            + "tip for the future, sunscreen would be it.").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] AAD = hex("50515253c0c1c2c3c4c5c6c7");
    private static final byte[] KEY = range(0x80, 32);
    private static final byte[] NONCE = range(0x40, 24);
    private static final byte[] CIPHERTEXT_AND_TAG = hex("""
            bd 6d 17 9d 3e 83 d4 3b 95 76 57 94 93 c0 e9 39 57 2a 17 00 25 2b fa cc be d2 90 2c 21 39 6c bb
            73 1c 7f 1b 0b 4a a6 44 0b f3 a8 2f 4e da 7e 39 ae 64 c6 70 8c 54 c2 16 cb 96 b7 2e 12 13 b4 52
            2f 8c 9b a4 0d b5 d9 45 b1 1b 69 b9 82 c1 bb 9e 3f 3f ac 2b c3 69 48 8f 76 b2 38 35 65 d3 ff f9
            21 f9 66 4c 97 63 7d a9 76 88 12 f6 15 c6 8b 13 b5 2e
            c0:87:59:24:c1:c7:98:79:47:de:af:d8:78:0a:cf:49""");

    @Test
    void aeadMatchesTheDraftsVector() {
        assertEquals(114, PLAINTEXT.length);
        assertArrayEquals(CIPHERTEXT_AND_TAG, XChaCha20Poly1305.seal(KEY, NONCE, AAD, PLAINTEXT));
        assertArrayEquals(PLAINTEXT, XChaCha20Poly1305.open(KEY, NONCE, AAD, CIPHERTEXT_AND_TAG));
    }

    @Test
    void everyChangedByteOfCiphertextOrTagIsRefused() {
        for (int i = 0; i < CIPHERTEXT_AND_TAG.length; i++) {
            byte[] tampered = CIPHERTEXT_AND_TAG.clone();
            tampered[i] ^= 0x01;
            assertNull(XChaCha20Poly1305.open(KEY, NONCE, AAD, tampered), "byte " + i);
        }
    }

    @Test
    void wrongKeyNonceOrAadIsRefused() {
        byte[] otherKey = KEY.clone();
        otherKey[31] ^= 1;
        byte[] otherNonce = NONCE.clone();
        otherNonce[23] ^= 1; // the part that is not fed to HChaCha20
        byte[] otherNoncePrefix = NONCE.clone();
        otherNoncePrefix[0] ^= 1; // the part that is
        assertNull(XChaCha20Poly1305.open(otherKey, NONCE, AAD, CIPHERTEXT_AND_TAG));
        assertNull(XChaCha20Poly1305.open(KEY, otherNonce, AAD, CIPHERTEXT_AND_TAG));
        assertNull(XChaCha20Poly1305.open(KEY, otherNoncePrefix, AAD, CIPHERTEXT_AND_TAG));
        assertNull(XChaCha20Poly1305.open(KEY, NONCE, new byte[0], CIPHERTEXT_AND_TAG));
        assertNull(XChaCha20Poly1305.open(KEY, NONCE, AAD, new byte[15]));
    }

    private static final byte[] SECRET = "a-very-stable-cookie-secret-0123".getBytes(StandardCharsets.UTF_8);

    @Test
    void sealedCookiesRoundTripWithFreshNonces() {
        CookieSeal seal = CookieSeal.create(SECRET, new SecureRandom());
        byte[] msg = "{\"exp\":1,\"claims\":{}}".getBytes(StandardCharsets.UTF_8);
        String a = seal.seal(CookieSeal.SESSION_AAD, msg);
        String b = seal.seal(CookieSeal.SESSION_AAD, msg);
        assertNotEquals(a, b, "a fresh random nonce per seal");
        assertEquals(a.length(), Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[24 + msg.length + 16])
                .length());
        assertArrayEquals(msg, seal.open(CookieSeal.SESSION_AAD, a));
        assertArrayEquals(msg, CookieSeal.create(SECRET, new SecureRandom()).open(CookieSeal.SESSION_AAD, b),
                "a new seal from the same secret opens it (the key is derived, not random)");
        assertArrayEquals(new byte[0], seal.open(CookieSeal.STATE_AAD, seal.seal(CookieSeal.STATE_AAD, new byte[0])));
    }

    @Test
    void tamperedForgedOrMisusedCookiesAreRefused() {
        CookieSeal seal = CookieSeal.create(SECRET, new SecureRandom());
        String sealed = seal.seal(CookieSeal.SESSION_AAD, "payload".getBytes(StandardCharsets.UTF_8));
        byte[] raw = Base64.getUrlDecoder().decode(sealed);
        for (int i = 0; i < raw.length; i++) {
            byte[] t = raw.clone();
            t[i] ^= 0x40;
            assertNull(seal.open(CookieSeal.SESSION_AAD, Base64.getUrlEncoder().withoutPadding().encodeToString(t)),
                    "byte " + i);
        }
        assertNull(seal.open(CookieSeal.STATE_AAD, sealed), "a session cookie is not a state cookie");
        assertNull(CookieSeal.create("another-secret-of-enough-length".getBytes(StandardCharsets.UTF_8),
                new SecureRandom()).open(CookieSeal.SESSION_AAD, sealed), "another secret");
        assertNull(seal.open(CookieSeal.SESSION_AAD, sealed.substring(0, 40)), "truncated");
        assertNull(seal.open(CookieSeal.SESSION_AAD, "not base64!"));
        assertNull(seal.open(CookieSeal.SESSION_AAD, ""));
    }
}
