package io.zeroserve.script;

import io.zeroserve.ebpf.GuestMemory;
import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.HelperTable;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/** Hashes, encodings and the memory helpers, including the bare {@code memcpy}/{@code memset} clang may emit. */
final class CryptoHelpers {
    private static final HexFormat LOWER = HexFormat.of();
    private static final HexFormat UPPER = HexFormat.of().withUpperCase();

    private CryptoHelpers() {
    }

    static void register(HelperTable.Builder b) {
        b.add("zs_sha256", (c, data, len, out, outLen, r5) -> {
            if (outLen != 32) {
                throw new HelperException("zs_sha256: out_len must be 32, got " + Long.toUnsignedString(outLen));
            }
            GuestMemory m = c.memory();
            byte[] digest = sha256(Guest.bytes(m, data, len));
            m.write(out, digest);
            return 32;
        });
        b.add("zs_hmac_sha256", (c, key, keyLen, msg, msgLen, out) -> {
            GuestMemory m = c.memory();
            byte[] mac = hmacSha256(Guest.bytes(m, key, keyLen), Guest.bytes(m, msg, msgLen));
            m.write(out, mac);
            return 32;
        });
        b.add("zs_base64_encode", (c, data, len, out, outLen, encoding) -> {
            if (encoding < 0 || encoding > 3) {
                throw new HelperException("zs_base64_encode: unknown encoding " + encoding);
            }
            GuestMemory m = c.memory();
            Base64.Encoder encoder = switch ((int) encoding) {
                case 0 -> Base64.getEncoder();
                case 1 -> Base64.getEncoder().withoutPadding();
                case 2 -> Base64.getUrlEncoder();
                case 3 -> Base64.getUrlEncoder().withoutPadding();
                default -> throw new HelperException("zs_base64_encode: unknown encoding " + encoding);
            };
            byte[] encoded = encoder.encode(Guest.bytes(m, data, len));
            if (outLen == 0) {
                return encoded.length;
            }
            if (Long.compareUnsigned(outLen, encoded.length) < 0) {
                return -1;
            }
            m.write(out, encoded);
            return encoded.length;
        });
        b.add("zs_base64_decode_in_place", (c, buf, len, encoding, r4, r5) -> {
            if (encoding < 0 || encoding > 3) {
                throw new HelperException("zs_base64_decode_in_place: unknown encoding " + encoding);
            }
            if (len == 0) {
                return 0;
            }
            GuestMemory m = c.memory();
            m.checkWritable(buf, len);
            byte[] text = m.read(buf, len);
            byte[] decoded = base64Decode(text, (int) encoding);
            if (decoded == null) {
                return -1;
            }
            m.write(buf, decoded);
            return decoded.length;
        });
        b.add("zs_hex_encode", (c, data, len, out, outLen, upper) -> {
            GuestMemory m = c.memory();
            long needed = 2 * len;
            if (outLen == 0) {
                return needed;
            }
            if (Long.compareUnsigned(outLen, needed) < 0) {
                return -1;
            }
            String hex = (upper == 0 ? LOWER : UPPER).formatHex(Guest.bytes(m, data, len));
            m.write(out, hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return needed;
        });
        b.add("zs_hex_decode_in_place", (c, buf, len, r3, r4, r5) -> {
            if (len == 0) {
                return 0;
            }
            if ((len & 1) != 0) {
                return -1;
            }
            GuestMemory m = c.memory();
            m.checkWritable(buf, len);
            byte[] text = m.read(buf, len);
            byte[] out = new byte[text.length / 2];
            for (int i = 0; i < out.length; i++) {
                int hi = Character.digit(text[2 * i], 16);
                int lo = Character.digit(text[2 * i + 1], 16);
                if (hi < 0 || lo < 0) {
                    return -1;
                }
                out[i] = (byte) (hi << 4 | lo);
            }
            m.write(buf, out);
            return out.length;
        });
        for (String name : new String[] {"zs_memcpy", "memcpy"}) {
            b.add(name, (c, dst, src, n, r4, r5) -> {
                if (n == 0) {
                    return dst;
                }
                GuestMemory m = c.memory();
                byte[] data = m.read(src, n);
                m.write(dst, data);
                return dst;
            });
        }
        b.add("zs_memcmp", (c, a, bp, n, r4, r5) -> {
            if (n == 0) {
                return 0;
            }
            GuestMemory m = c.memory();
            byte[] x = m.read(a, n);
            byte[] y = m.read(bp, n);
            for (int i = 0; i < x.length; i++) {
                if (x[i] != y[i]) {
                    return (x[i] & 0xff) - (y[i] & 0xff);
                }
            }
            return 0;
        });
        for (String name : new String[] {"zs_memset", "memset"}) {
            b.add(name, (c, dst, value, n, r4, r5) -> {
                if (n != 0) {
                    c.memory().fill(dst, n, (byte) value);
                }
                return dst;
            });
        }
    }

    /** Strict decoding: padded alphabets need canonical padding, unpadded ones refuse '='. Null on bad input. */
    static byte[] base64Decode(byte[] text, int encoding) {
        boolean url = encoding >= 2;
        boolean padded = encoding == 0 || encoding == 2;
        int eq = 0;
        for (byte x : text) {
            if (x == '=') {
                eq++;
            } else if (eq > 0) {
                return null;
            }
        }
        if (padded ? text.length % 4 != 0 : eq != 0 || text.length % 4 == 1) {
            return null;
        }
        try {
            return (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    static byte[] hmacSha256(byte[] key, byte[] msg) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            // An empty HMAC key is legal (RFC 2104) but SecretKeySpec refuses it; hash with a zero block instead.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[64] : key, "HmacSHA256"));
            return mac.doFinal(msg);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
