package io.zeroserve.tls;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostCheckTest {
    @Test
    void sameHostPortsAndCaseIgnored() {
        assertFalse(HostCheck.misdirected("example.com", "example.com"));
        assertFalse(HostCheck.misdirected("example.com", "Example.COM:8443"));
        assertFalse(HostCheck.misdirected("example.com", "example.com."));
        assertFalse(HostCheck.misdirected("::1", "[::1]:8443"));
    }

    @Test
    void differentOrMissingHostIsMisdirected() {
        assertTrue(HostCheck.misdirected("a.example", "b.example"));
        assertTrue(HostCheck.misdirected("a.example", "a.example.evil"));
        assertTrue(HostCheck.misdirected("a.example", null));
        assertTrue(HostCheck.misdirected("a.example", ""));
    }

    @Test
    void noSniNoCheck() {
        assertFalse(HostCheck.misdirected(null, "anything"));
        assertFalse(HostCheck.misdirected(null, null));
    }
}
