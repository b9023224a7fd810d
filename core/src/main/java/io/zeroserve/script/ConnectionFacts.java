package io.zeroserve.script;

import java.util.List;

/**
 * What scripts may learn about the connection ({@code zs_connection_info}, {@code zs_req_is_tls}).
 *
 * @param tls                   served over TLS
 * @param handshakeComplete     the TLS handshake finished (always, by the time request scripts run)
 * @param alpn                  negotiated ALPN protocol, or null
 * @param sniInner              the served server name (the protected one when ECH was accepted), or null
 * @param sniOuter              the cleartext ECH public name when ECH was accepted, or null
 * @param echConfigured         the server has ECH keys loaded
 * @param echAccepted           ECH was accepted on this connection
 * @param ja4                   the client's JA4 fingerprint, or null
 * @param clientCertificate     the verified client certificate, or null
 * @param chainFingerprintsSha256 hex SHA-256 of each certificate the client sent; empty if none
 */
public record ConnectionFacts(boolean tls, boolean handshakeComplete, String alpn, String sniInner, String sniOuter,
                              boolean echConfigured, boolean echAccepted, String ja4,
                              ClientCertificate clientCertificate, List<String> chainFingerprintsSha256) {
    public ConnectionFacts {
        chainFingerprintsSha256 = List.copyOf(chainFingerprintsSha256);
    }

    /** A client certificate as scripts see it. */
    public record ClientCertificate(String fingerprintSha256, String subject, String issuer, String serial) {
    }

    /** A plaintext connection. */
    public static ConnectionFacts plaintext() {
        return new ConnectionFacts(false, false, null, null, null, false, false, null, null, List.of());
    }
}
