package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Log, env, random, crypto, encodings and memory helpers, with zeroserve's return conventions. */
class BasicHelpersTest {
    private final Harness h = new Harness();
    private final FakeGuest g = h.fixture().g();

    @Test
    void cStringOutputsFollowSnprintfRules() throws Exception {
        h.env.put("NAME", "abcdef");
        long name = g.ro("  NAME ");
        long out = g.alloc(16);
        assertEquals(0, g.call("zs_env_get", name, 7, out, 0), "out_len 0 returns 0");
        assertEquals(6, g.call("zs_env_get", name, 7, out, 16));
        assertEquals("abcdef", g.cstring(out));
        assertEquals(6, g.call("zs_env_get", name, 7, out, 7), "exact fit with NUL is not truncated");
        assertEquals("abcdef", g.cstring(out));
        assertEquals(6, g.call("zs_env_get", name, 7, out, 6), "a return equal to out_len signals truncation");
        assertEquals("abcde", g.cstring(out));
        assertEquals(1, g.call("zs_env_get", name, 7, out, 1));
        assertEquals("", g.cstring(out));
        assertEquals(0, g.call("zs_env_get", g.ro("UNSET"), 5, out, 16), "unset reads as empty");
        assertEquals("", g.cstring(out));
    }

    @Test
    void outputBufferMustBeWritableInFull() {
        long name = g.ro("X");
        assertThrows(HelperException.class, () -> g.call("zs_env_get", name, 1, FakeGuest.RODATA, 8),
                "read-only output");
        assertThrows(HelperException.class, () -> g.call("zs_env_get", name, 1, g.alloc(8), 1L << 40),
                "out_len past the stack");
    }

    @Test
    void invalidUtf8IsAHardFailure() {
        long bad = g.ro(new byte[] {(byte) 0xff, (byte) 0xfe});
        assertThrows(HelperException.class, () -> g.call("zs_env_get", bad, 2, g.alloc(8), 8));
    }

    @Test
    void logBuffersUntilNewlineAndSanitizes() throws Exception {
        assertEquals(0, g.call("zs_log", g.ro("hello "), 6));
        assertTrue(h.log.isEmpty());
        g.call("zs_log", g.ro("w\u00f6rld\u001b\nnext"), 12);
        assertEquals("[user_log] 01TESTREQUEST0000000000000: test.o: hello w??rld?", h.log.getFirst());
        assertEquals(1, h.log.size());
    }

    @Test
    void nowAndRandom() throws Exception {
        assertEquals(h.clock.get(), g.call("zs_now_ms"));
        long out = g.alloc(32);
        assertEquals(32, g.call("zs_getrandom", out, 32));
        assertEquals(0, g.call("zs_getrandom", out, 0));
    }

    @Test
    void sha256AndHmac() throws Exception {
        long out = g.alloc(32);
        assertEquals(32, g.call("zs_sha256", g.ro("abc"), 3, out, 32));
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                HexFormat.of().formatHex(g.get(out, 32)));
        assertThrows(HelperException.class, () -> g.call("zs_sha256", g.ro("abc"), 3, out, 31));
        // RFC 4231 test case 2.
        assertEquals(32, g.call("zs_hmac_sha256", g.ro("Jefe"), 4, g.ro("what do ya want for nothing?"), 28, out));
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                HexFormat.of().formatHex(g.get(out, 32)));
    }

    @Test
    void base64InFourAlphabets() throws Exception {
        byte[] data = {(byte) 0xfb, (byte) 0xff, 0x01, 0x02};
        long src = g.ro(data);
        long out = g.alloc(16);
        assertEquals(8, g.call("zs_base64_encode", src, 4, 0, 0, 0), "out_len 0 asks for the size");
        assertEquals(8, g.call("zs_base64_encode", src, 4, out, 16, 0));
        assertEquals("+/8BAg==", new String(g.get(out, 8), StandardCharsets.US_ASCII));
        assertEquals(6, g.call("zs_base64_encode", src, 4, out, 16, 1));
        assertEquals("+/8BAg", new String(g.get(out, 6), StandardCharsets.US_ASCII));
        assertEquals(8, g.call("zs_base64_encode", src, 4, out, 16, 2));
        assertEquals("-_8BAg==", new String(g.get(out, 8), StandardCharsets.US_ASCII));
        assertEquals(6, g.call("zs_base64_encode", src, 4, out, 16, 3));
        assertEquals("-_8BAg", new String(g.get(out, 6), StandardCharsets.US_ASCII));
        assertEquals(-1, g.call("zs_base64_encode", src, 4, out, 5, 0), "too small");
        assertThrows(HelperException.class, () -> g.call("zs_base64_encode", src, 4, out, 16, 4));

        long buf = g.put("-_8BAg");
        assertEquals(4, g.call("zs_base64_decode_in_place", buf, 6, 3));
        assertArrayEquals(data, g.get(buf, 4));
        assertEquals(-1, g.call("zs_base64_decode_in_place", g.put("+/8BAg"), 6, 0), "padding required");
        assertEquals(-1, g.call("zs_base64_decode_in_place", g.put("+/8BAg=="), 8, 1), "padding refused");
        assertEquals(-1, g.call("zs_base64_decode_in_place", g.put("*@@@"), 4, 0));
    }

    @Test
    void hex() throws Exception {
        long src = g.ro(new byte[] {(byte) 0xab, 0x01});
        long out = g.alloc(8);
        assertEquals(4, g.call("zs_hex_encode", src, 2, 0, 0, 0));
        assertEquals(4, g.call("zs_hex_encode", src, 2, out, 8, 1));
        assertEquals("AB01", new String(g.get(out, 4), StandardCharsets.US_ASCII));
        assertEquals(-1, g.call("zs_hex_encode", src, 2, out, 3, 0));
        long buf = g.put("aB01");
        assertEquals(2, g.call("zs_hex_decode_in_place", buf, 4));
        assertArrayEquals(new byte[] {(byte) 0xab, 0x01}, g.get(buf, 2));
        assertEquals(-1, g.call("zs_hex_decode_in_place", g.put("abc"), 3), "odd length");
        assertEquals(-1, g.call("zs_hex_decode_in_place", g.put("zz"), 2), "not hex");
        assertEquals(0, g.call("zs_hex_decode_in_place", g.put("x"), 0));
    }

    @Test
    void memoryHelpers() throws Exception {
        long a = g.put("hello world");
        long b = g.alloc(16);
        assertEquals(b, g.call("zs_memcpy", b, a, 11));
        assertEquals("hello world", new String(g.get(b, 11), StandardCharsets.US_ASCII));
        assertEquals(b, g.call("memcpy", b, a, 5));
        assertThrows(HelperException.class, () -> g.call("zs_memcpy", a + 2, a, 8), "overlap is a fault");
        assertEquals(0, g.call("zs_memcmp", a, b, 11));
        long c = g.put("hellp");
        assertEquals('o' - 'p', g.call("zs_memcmp", a, c, 5));
        assertEquals(b, g.call("zs_memset", b, 'x', 3));
        assertEquals("xxxlo world", new String(g.get(b, 11), StandardCharsets.US_ASCII));
        assertEquals(b, g.call("memset", b, 0, 16));
        assertThrows(HelperException.class, () -> g.call("zs_memset", FakeGuest.RODATA, 0, 4), "read-only");
    }
}
