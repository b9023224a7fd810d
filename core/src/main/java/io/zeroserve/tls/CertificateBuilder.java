package io.zeroserve.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Makes X.509 v3 certificates with ECDSA P-256 keys using only the JDK: the zero-config self-signed certificate,
 * and test CAs and leaves. Subject is {@code CN=<first name>}; names that parse as IP literals become iPAddress
 * SANs, the rest dNSName SANs.
 *
 * <pre>
 * CertificateBuilder.Issued ca = CertificateBuilder.create().commonName("Test CA").ca(true).build();
 * CertificateBuilder.Issued leaf = CertificateBuilder.create().names("localhost", "127.0.0.1").issuer(ca).build();
 * </pre>
 */
public final class CertificateBuilder {
    private static final String EC_SHA256 = "1.2.840.10045.4.3.2";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<String> names = new ArrayList<>();
    private String commonName;
    private Instant notBefore = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    private Instant notAfter = notBefore.plus(Duration.ofDays(397));
    private boolean ca;
    private Issued issuer;

    /** A certificate and its private key. */
    public record Issued(X509Certificate certificate, PrivateKey privateKey) {
        public String certificatePem() {
            try {
                return Pem.write("CERTIFICATE", certificate.getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }

        /** PKCS#8 ({@code PRIVATE KEY}). */
        public String privateKeyPem() {
            return Pem.write("PRIVATE KEY", privateKey.getEncoded());
        }

        /** Upper-case colon-separated SHA-256 of the DER certificate, as browsers show it. */
        public String fingerprintSha256() {
            return TlsFacts.fingerprint(certificate);
        }
    }

    private CertificateBuilder() {
    }

    public static CertificateBuilder create() {
        return new CertificateBuilder();
    }

    /** SAN entries: DNS names (wildcards allowed) and IP literals. The first also becomes the CN by default. */
    public CertificateBuilder names(String... values) {
        names.addAll(List.of(values));
        return this;
    }

    public CertificateBuilder commonName(String value) {
        commonName = value;
        return this;
    }

    /** Validity period; defaults to one hour ago until 397 days later. */
    public CertificateBuilder validity(Instant from, Instant until) {
        notBefore = from.truncatedTo(ChronoUnit.SECONDS);
        notAfter = until.truncatedTo(ChronoUnit.SECONDS);
        return this;
    }

    /** A CA certificate (basicConstraints CA:TRUE, keyCertSign) instead of a TLS leaf. */
    public CertificateBuilder ca(boolean value) {
        ca = value;
        return this;
    }

    /** Signs with {@code value}'s key and names it as issuer; default: self-signed. */
    public CertificateBuilder issuer(Issued value) {
        issuer = value;
        return this;
    }

    public Issued build() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = gen.generateKeyPair();
            String cn = commonName != null ? commonName : names.isEmpty() ? "zeroserve" : names.getFirst();
            byte[] subject = name(cn);
            byte[] issuerName = issuer == null ? subject : issuer.certificate().getSubjectX500Principal().getEncoded();
            PrivateKey signingKey = issuer == null ? keys.getPrivate() : issuer.privateKey();
            PublicKey issuerPublic = issuer == null ? keys.getPublic() : issuer.certificate().getPublicKey();
            if (!(signingKey instanceof ECPrivateKey)) {
                throw new IllegalArgumentException("issuer key must be an EC key");
            }
            byte[] algorithm = Der.seq(Der.oid(EC_SHA256));
            List<byte[]> extensions = new ArrayList<>();
            extensions.add(extension("2.5.29.19", true, ca ? Der.seq(Der.bool(true)) : Der.seq()));
            // keyUsage bits (RFC 5280 4.2.1.3): digitalSignature = bit 0; keyCertSign = 5, cRLSign = 6.
            extensions.add(extension("2.5.29.15", true,
                    ca ? Der.bits(1, new byte[] {0x06}) : Der.bits(7, new byte[] {(byte) 0x80})));
            if (!ca) {
                extensions.add(extension("2.5.29.37", false,
                        Der.seq(Der.oid("1.3.6.1.5.5.7.3.1"), Der.oid("1.3.6.1.5.5.7.3.2"))));
            }
            if (!names.isEmpty()) {
                List<byte[]> general = new ArrayList<>();
                for (String n : names) {
                    byte[] ip = ipLiteral(n);
                    general.add(ip != null ? Der.tlv(0x87, ip)
                            : Der.tlv(0x82, n.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                }
                extensions.add(extension("2.5.29.17", false, Der.seq(general.toArray(byte[][]::new))));
            }
            extensions.add(extension("2.5.29.14", false, Der.octets(keyId(keys.getPublic()))));
            extensions.add(extension("2.5.29.35", false, Der.seq(Der.tlv(0x80, keyId(issuerPublic)))));
            byte[] serial = new byte[16];
            RANDOM.nextBytes(serial);
            byte[] tbs = Der.seq(
                    Der.explicit(0, Der.integer(BigInteger.TWO)),
                    Der.integer(new BigInteger(1, serial)),
                    algorithm,
                    issuerName,
                    Der.seq(Der.time(notBefore), Der.time(notAfter)),
                    subject,
                    keys.getPublic().getEncoded(),
                    Der.explicit(3, Der.seq(extensions.toArray(byte[][]::new))));
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(signingKey);
            signer.update(tbs);
            byte[] der = Der.seq(tbs, algorithm, Der.bits(0, signer.sign()));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            return new Issued(cert, keys.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a certificate: " + e.getMessage(), e);
        }
    }

    private static byte[] name(String cn) {
        return Der.seq(Der.set(Der.seq(Der.oid("2.5.4.3"), Der.utf8(cn))));
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical ? Der.seq(Der.oid(oid), Der.bool(true), Der.octets(value))
                : Der.seq(Der.oid(oid), Der.octets(value));
    }

    private static byte[] keyId(PublicKey key) throws GeneralSecurityException {
        byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(key.getEncoded());
        return java.util.Arrays.copyOf(sha1, 20);
    }

    /** The address bytes if {@code s} is an IPv4 or IPv6 literal (never a DNS lookup), else null. */
    static byte[] ipLiteral(String s) {
        Objects.requireNonNull(s);
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = s.contains(":") && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
