package io.zeroserve.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * What one connection's TLS handshake established, for the access log and for scripts
 * ({@code zs_connection_info}). Immutable; captured once when the handshake completes.
 *
 * @param tls                true for HTTPS connections ({@link #PLAIN} has false and nulls elsewhere)
 * @param handshakeComplete  true once the handshake finished (always, for facts of an accepted {@link TlsSocket})
 * @param alpn               the negotiated protocol ({@code h2}, {@code http/1.1}), or null without ALPN
 * @param sniInner           the server name the server acted on: the decrypted inner SNI when ECH was accepted,
 *                           otherwise the SNI sent in clear; null when the client sent none
 * @param sniOuter           the server name in the ClientHello on the wire (the ECH public name under ECH)
 * @param echConfigured      true when ECH keys are loaded (scripts then see {@code ech:{accepted}}, else null)
 * @param echAccepted        true when the client's ECH was decrypted and used
 * @param ja4                the JA4 fingerprint of the ClientHello on the wire, or null if it could not be parsed
 * @param version            {@code TLSv1.3}
 * @param cipher             IANA name, e.g. {@code TLS_AES_128_GCM_SHA256}
 * @param resumed            true when the session was resumed from a ticket
 * @param clientCertificates the chain the client sent, leaf first; empty when none was asked for or sent
 */
public record TlsFacts(boolean tls, boolean handshakeComplete, String alpn, String sniInner, String sniOuter,
                       boolean echConfigured, boolean echAccepted, String ja4, String version, String cipher,
                       boolean resumed, List<X509Certificate> clientCertificates) {

    /** Facts of a plain-HTTP connection. */
    public static final TlsFacts PLAIN = new TlsFacts(false, false, null, null, null, false, false, null, null, null,
            false, List.of());

    public TlsFacts {
        clientCertificates = List.copyOf(clientCertificates);
    }

    /** Upper-case colon-separated SHA-256 of the DER certificate ({@code AB:CD:...}). */
    public static String fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint certificate: " + e.getMessage(), e);
        }
    }

    /** Lower-case hex SHA-256 of the DER certificate without separators, as zeroserve's scripts see it. */
    public static String fingerprintHex(X509Certificate certificate) {
        return fingerprint(certificate).replace(":", "").toLowerCase(Locale.ROOT);
    }
}
