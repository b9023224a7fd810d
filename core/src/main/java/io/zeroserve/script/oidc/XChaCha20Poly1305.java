package io.zeroserve.script.oidc;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * AEAD_XChaCha20_Poly1305 (draft-irtf-cfrg-xchacha-03 §2): HChaCha20 turns the key and the first 16 nonce bytes into
 * a subkey, then the JDK's ChaCha20-Poly1305 (RFC 8439) runs with that subkey and the nonce {@code 0x00000000 ||
 * nonce[16..24]}. The 24-byte nonce makes random nonces safe for a long-lived key. Stateless; thread-safe.
 */
public final class XChaCha20Poly1305 {
    public static final int KEY_BYTES = 32;
    public static final int NONCE_BYTES = 24;
    public static final int TAG_BYTES = 16;

    /** "expand 32-byte k", the ChaCha constants (RFC 8439 §2.3). */
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

    private XChaCha20Poly1305() {
    }

    /** Returns ciphertext || 16-byte tag. */
    public static byte[] seal(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
        try {
            return cipher(Cipher.ENCRYPT_MODE, key, nonce, aad).doFinal(plaintext);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 unavailable", e);
        }
    }

    /** Returns the plaintext, or null when the tag does not verify (wrong key, nonce, AAD, or a changed byte). */
    public static byte[] open(byte[] key, byte[] nonce, byte[] aad, byte[] sealed) {
        if (sealed.length < TAG_BYTES) {
            return null;
        }
        try {
            return cipher(Cipher.DECRYPT_MODE, key, nonce, aad).doFinal(sealed);
        } catch (AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 unavailable", e);
        }
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce, byte[] aad) throws GeneralSecurityException {
        if (key.length != KEY_BYTES || nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("XChaCha20-Poly1305 needs a 32-byte key and a 24-byte nonce, got "
                    + key.length + " and " + nonce.length);
        }
        byte[] subkey = hChaCha20(key, Arrays.copyOf(nonce, 16));
        byte[] iv = new byte[12];
        System.arraycopy(nonce, 16, iv, 4, 8); // draft §2.3: four zero bytes, then the last 8 nonce bytes
        // A fresh Cipher per message: the JDK refuses to re-init one for encryption with the same key and nonce.
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(mode, new SecretKeySpec(subkey, "ChaCha20"), new IvParameterSpec(iv));
        Arrays.fill(subkey, (byte) 0);
        c.updateAAD(aad);
        return c;
    }

    /**
     * HChaCha20 (draft §2.2): the ChaCha20 state with the 16-byte input in words 12..15 instead of counter and
     * nonce, 20 rounds with no final addition, and words 0..3 and 12..15 (little-endian) as the 32-byte output.
     */
    public static byte[] hChaCha20(byte[] key, byte[] input) {
        if (key.length != KEY_BYTES || input.length != 16) {
            throw new IllegalArgumentException("HChaCha20 needs a 32-byte key and a 16-byte input");
        }
        int[] s = new int[16];
        System.arraycopy(SIGMA, 0, s, 0, 4);
        for (int i = 0; i < 8; i++) {
            s[4 + i] = le32(key, 4 * i);
        }
        for (int i = 0; i < 4; i++) {
            s[12 + i] = le32(input, 4 * i);
        }
        for (int round = 0; round < 10; round++) {
            quarterRound(s, 0, 4, 8, 12);
            quarterRound(s, 1, 5, 9, 13);
            quarterRound(s, 2, 6, 10, 14);
            quarterRound(s, 3, 7, 11, 15);
            quarterRound(s, 0, 5, 10, 15);
            quarterRound(s, 1, 6, 11, 12);
            quarterRound(s, 2, 7, 8, 13);
            quarterRound(s, 3, 4, 9, 14);
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 4; i++) {
            putLe32(out, 4 * i, s[i]);
            putLe32(out, 16 + 4 * i, s[12 + i]);
        }
        Arrays.fill(s, 0);
        return out;
    }

    /** RFC 8439 §2.1. */
    private static void quarterRound(int[] s, int a, int b, int c, int d) {
        s[a] += s[b];
        s[d] = Integer.rotateLeft(s[d] ^ s[a], 16);
        s[c] += s[d];
        s[b] = Integer.rotateLeft(s[b] ^ s[c], 12);
        s[a] += s[b];
        s[d] = Integer.rotateLeft(s[d] ^ s[a], 8);
        s[c] += s[d];
        s[b] = Integer.rotateLeft(s[b] ^ s[c], 7);
    }

    private static int le32(byte[] b, int off) {
        return b[off] & 0xff | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    private static void putLe32(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }
}
