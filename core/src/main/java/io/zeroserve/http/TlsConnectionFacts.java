package io.zeroserve.http;

import io.helidon.common.socket.PeerInfo;
import io.zeroserve.script.ConnectionFacts;
import io.zeroserve.tls.TlsFacts;
import io.zeroserve.tls.TlsPeerInfo;
import java.security.cert.X509Certificate;
import java.util.List;

/** The connection facts scripts see ({@code zs_connection_info}), from what the TLS handshake established. */
final class TlsConnectionFacts {
    private TlsConnectionFacts() {
    }

    static ConnectionFacts of(PeerInfo remotePeer) {
        TlsFacts f = TlsPeerInfo.factsOf(remotePeer);
        if (!f.tls()) {
            return ConnectionFacts.plaintext();
        }
        List<X509Certificate> chain = f.clientCertificates();
        ConnectionFacts.ClientCertificate leaf = null;
        if (!chain.isEmpty()) {
            X509Certificate c = chain.getFirst();
            leaf = new ConnectionFacts.ClientCertificate(TlsFacts.fingerprintHex(c),
                    c.getSubjectX500Principal().getName(), c.getIssuerX500Principal().getName(),
                    c.getSerialNumber().toString(16));
        }
        return new ConnectionFacts(true, f.handshakeComplete(), f.alpn(), f.sniInner(),
                f.echAccepted() ? f.sniOuter() : null, f.echConfigured(), f.echAccepted(), f.ja4(), leaf,
                chain.isEmpty() ? List.of() : chain.stream().map(TlsFacts::fingerprintHex).toList());
    }
}
