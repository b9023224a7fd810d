package io.zeroserve.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The zero-config certificate: self-signed ECDSA P-256 for localhost, 127.0.0.1, ::1 and the host name, made at
 * start. With a state directory it is stored in {@code STATE_DIR/tls/self-signed.pem} (certificate and key, mode
 * 0600) and reused across restarts while it is valid for at least another week and covers the same names.
 *
 * @param certificatePem the certificate in PEM
 * @param privateKeyPem  its PKCS#8 key in PEM
 * @param certificate    the parsed certificate
 * @param reused         true if it was read back from the state directory
 */
public record SelfSignedCertificate(String certificatePem, String privateKeyPem, X509Certificate certificate,
                                    boolean reused) {
    static final Duration LIFETIME = Duration.ofDays(365);
    private static final Duration RENEW_BEFORE = Duration.ofDays(7);

    /** localhost, 127.0.0.1, ::1 and this machine's host name (when it has one that is not one of those). */
    public static List<String> defaultNames() {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (host != null && !host.isBlank() && CertificateBuilder.ipLiteral(host) == null) {
                names.add(host.toLowerCase(java.util.Locale.ROOT));
            }
        } catch (IOException e) {
            // No resolvable host name: the loopback names are enough for a local server.
        }
        return List.copyOf(names);
    }

    /** Upper-case colon-separated SHA-256 of the certificate, for the startup log. */
    public String fingerprintSha256() {
        return TlsFacts.fingerprint(certificate);
    }

    /**
     * Reads the stored certificate from {@code stateDir} if it is still good, otherwise makes a new one (and
     * stores it when {@code stateDir} is not null).
     *
     * @throws TlsConfigException if the state directory cannot be written
     */
    public static SelfSignedCertificate loadOrCreate(Path stateDir, List<String> names, Instant now)
            throws TlsConfigException {
        Path file = stateDir == null ? null : stateDir.resolve("tls").resolve("self-signed.pem");
        if (file != null && Files.isRegularFile(file)) {
            SelfSignedCertificate stored = readIfUsable(file, names, now);
            if (stored != null) {
                return stored;
            }
        }
        CertificateBuilder.Issued issued = CertificateBuilder.create()
                .names(names.toArray(String[]::new))
                .validity(now.minus(Duration.ofHours(1)), now.plus(LIFETIME))
                .build();
        SelfSignedCertificate made = new SelfSignedCertificate(issued.certificatePem(), issued.privateKeyPem(),
                issued.certificate(), false);
        if (file != null) {
            try {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), ".self-signed", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(tmp, made.certificatePem() + made.privateKeyPem(), StandardCharsets.US_ASCII);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | UnsupportedOperationException e) {
                throw new TlsConfigException("cannot store the self-signed certificate in " + file + ": " + e, e);
            }
        }
        return made;
    }

    private static SelfSignedCertificate readIfUsable(Path file, List<String> names, Instant now) {
        try {
            List<Pem.Block> blocks = Pem.parse(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
            String certPem = null;
            String keyPem = null;
            X509Certificate cert = null;
            for (Pem.Block b : blocks) {
                if (b.label().equals("CERTIFICATE") && cert == null) {
                    cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                            .generateCertificate(new ByteArrayInputStream(b.der()));
                    certPem = b.text();
                } else if (b.label().endsWith("PRIVATE KEY") && keyPem == null) {
                    keyPem = b.text();
                }
            }
            if (cert == null || keyPem == null) {
                return null;
            }
            if (cert.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))
                    || cert.getNotBefore().toInstant().isAfter(now)) {
                return null;
            }
            if (!sanNames(cert).equals(new HashSet<>(normalise(names)))) {
                return null;
            }
            return new SelfSignedCertificate(certPem, keyPem, cert, true);
        } catch (IOException | IllegalArgumentException | CertificateException e) {
            return null; // unreadable: make a new one
        }
    }

    private static List<String> normalise(List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) {
            byte[] ip = CertificateBuilder.ipLiteral(n);
            out.add(ip != null ? CertificateBuilder.hex(ip) : n.toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    private static Set<String> sanNames(X509Certificate cert) throws CertificateException {
        Set<String> out = new HashSet<>();
        var sans = cert.getSubjectAlternativeNames();
        if (sans != null) {
            for (List<?> san : sans) {
                String value = String.valueOf(san.get(1));
                byte[] ip = ((Integer) san.get(0)) == 7 ? CertificateBuilder.ipLiteral(value) : null;
                out.add(ip != null ? CertificateBuilder.hex(ip) : value.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return out;
    }
}
