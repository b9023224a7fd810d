package io.zeroserve.http;

import java.util.concurrent.ThreadLocalRandom;

/** ULIDs for request ids (ulid/spec: 48-bit millisecond time, 80 random bits, Crockford base32, 26 characters). */
public final class Ulid {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private Ulid() {
    }

    public static String next() {
        long time = System.currentTimeMillis();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong(1L << 16); // random bits 79..64
        long low = random.nextLong();          // random bits 63..0
        char[] out = new char[26];
        // 10 characters of time (50 bits; the top 2 are zero for the next few thousand years)
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (time & 31)];
            time >>>= 5;
        }
        // 16 characters of the 80 random bits, most significant first
        for (int i = 25; i >= 10; i--) {
            out[i] = ALPHABET[(int) (low & 31)];
            low = (low >>> 5) | ((high & 31) << 59);
            high >>>= 5;
        }
        return new String(out);
    }
}
