package io.zeroserve.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A test CA and leaves signed by it, written as PEM files. */
final class TestPki {
    final CertificateBuilder.Issued ca = CertificateBuilder.create().commonName("zeroserve test CA").ca(true).build();

    CertificateBuilder.Issued leaf(String... names) {
        return CertificateBuilder.create().names(names).issuer(ca).build();
    }

    CertificateBuilder.Issued leaf(Instant from, Instant until, String... names) {
        return CertificateBuilder.create().names(names).validity(from, until).issuer(ca).build();
    }

    /** Writes {@code file} with the leaf then the CA (a full chain) followed by the key. */
    static Path writeCombined(Path file, CertificateBuilder.Issued leaf) throws IOException {
        Files.writeString(file, leaf.certificatePem() + leaf.privateKeyPem());
        return file;
    }

    Path caPem(Path dir) throws IOException {
        return Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
    }

    /** A JDK SSLContext trusting only this CA, optionally presenting a client certificate. */
    SSLContext jdkContext(CertificateBuilder.Issued clientCert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCert != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", clientCert.privateKey(), new char[0],
                    new java.security.cert.Certificate[] {clientCert.certificate(), ca.certificate()});
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }
}
