package io.zeroserve.tls;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * Watches the first bytes a client sends and reassembles its ClientHello from TLS records (RFC 8446 section 5.1),
 * so that JA4 and the outer SNI are computed from exactly what was on the wire, and garbage is refused before
 * BoringSSL sees it. The bytes are only observed; they are fed to BoringSSL unchanged.
 */
final class HelloCollector {
    /** Largest ClientHello we wait for; real ones are below 2 KiB (post-quantum key shares aside). */
    private static final int MAX_HELLO = 64 * 1024;
    private static final int RECORD_HANDSHAKE = 22;

    private byte[] pending = new byte[0];
    private final ByteArrayOutputStream handshake = new ByteArrayOutputStream();
    private boolean done;
    private ClientHello hello;

    boolean done() {
        return done;
    }

    /** The parsed ClientHello, or null while incomplete or when it did not parse. */
    ClientHello hello() {
        return hello;
    }

    /**
     * Observes bytes from the client.
     *
     * @throws TlsHandshakeException if they are not TLS handshake records carrying a ClientHello
     */
    void feed(byte[] data) throws TlsHandshakeException {
        if (done) {
            return;
        }
        byte[] all = Arrays.copyOf(pending, pending.length + data.length);
        System.arraycopy(data, 0, all, pending.length, data.length);
        int pos = 0;
        while (all.length - pos >= 1) {
            int type = all[pos] & 0xff;
            if (type != RECORD_HANDSHAKE) {
                throw new TlsHandshakeException(describeGarbage(all, pos));
            }
            if (all.length - pos < 5) {
                break;
            }
            int len = ((all[pos + 3] & 0xff) << 8) | (all[pos + 4] & 0xff);
            if (len == 0 || len > 16384) {
                throw new TlsHandshakeException("bad TLS record length " + len + " in the ClientHello");
            }
            if (all.length - pos < 5 + len) {
                break;
            }
            handshake.write(all, pos + 5, len);
            pos += 5 + len;
            if (checkComplete()) {
                return;
            }
        }
        pending = Arrays.copyOfRange(all, pos, all.length);
    }

    private boolean checkComplete() throws TlsHandshakeException {
        byte[] hs = handshake.toByteArray();
        if (hs.length < 4) {
            return false;
        }
        if (hs[0] != 1) {
            throw new TlsHandshakeException("first handshake message is type " + (hs[0] & 0xff)
                    + ", not a ClientHello");
        }
        int len = ((hs[1] & 0xff) << 16) | ((hs[2] & 0xff) << 8) | (hs[3] & 0xff);
        if (len > MAX_HELLO) {
            throw new TlsHandshakeException("ClientHello of " + len + " bytes is too large");
        }
        if (hs.length < 4 + len) {
            return false;
        }
        done = true;
        pending = new byte[0];
        try {
            hello = ClientHello.parse(Arrays.copyOfRange(hs, 4, 4 + len));
        } catch (IllegalArgumentException e) {
            hello = null; // BoringSSL will refuse it with a decode_error alert
        }
        return true;
    }

    private static String describeGarbage(byte[] b, int pos) {
        int first = b[pos] & 0xff;
        if (first >= 'A' && first <= 'Z') {
            return "client sent plain text (first byte '" + (char) first + "', plain HTTP?) instead of a TLS"
                    + " ClientHello";
        }
        if (first == 0x80 || first == 0x81) {
            return "client sent an SSLv2 ClientHello";
        }
        return String.format("client sent TLS record type %d instead of a handshake record", first);
    }
}
