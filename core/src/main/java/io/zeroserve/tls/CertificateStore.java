package io.zeroserve.tls;

import io.zeroserve.ffi.boringssl.BoringSsl;
import io.zeroserve.ffi.boringssl.LibCrypto;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Server certificates with their keys, in BoringSSL form, and the SNI choice among them.
 *
 * <p>Choice ({@link #select}): for a server name, the first certificate in lexicographic path order that is valid
 * now and whose DNS SAN matches (case-insensitive; {@code *.example.com} matches exactly one extra label); without
 * SNI, or when nothing matches, the first valid certificate; when none is valid any more, the first one.
 *
 * <p>Ownership: the store owns one {@code CRYPTO_BUFFER} per certificate and one {@code EVP_PKEY} per key block
 * read (chains may share a key), plus the pointer arrays in its arena. {@code SSL_set_chain_and_key} takes its own references, so connections
 * outlive the store safely once their handshake has passed certificate selection. Closed by its {@code Material}.
 */
final class CertificateStore implements AutoCloseable {
    /** One certificate chain and its key. */
    record Entry(Path source, List<X509Certificate> chain, List<String> dnsNames, MemorySegment nativeChain,
                 MemorySegment privateKey) {
        X509Certificate leaf() {
            return chain.getFirst();
        }

        boolean validAt(Instant now) {
            return !now.isBefore(leaf().getNotBefore().toInstant()) && !now.isAfter(leaf().getNotAfter().toInstant());
        }

        boolean matches(String serverName) {
            String name = serverName.toLowerCase(Locale.ROOT);
            for (String dns : dnsNames) {
                if (dns.equals(name)) {
                    return true;
                }
                if (dns.startsWith("*.")) {
                    int dot = name.indexOf('.');
                    if (dot > 0 && name.substring(dot).equals(dns.substring(1))) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private static final System.Logger LOG = System.getLogger("io.zeroserve.tls");

    private final Arena arena;
    private final List<Entry> entries;
    private final List<MemorySegment> buffers;
    private final List<MemorySegment> keys;

    private CertificateStore(Arena arena, List<Entry> entries, List<MemorySegment> buffers, List<MemorySegment> keys) {
        this.arena = arena;
        this.entries = List.copyOf(entries);
        this.buffers = List.copyOf(buffers);
        this.keys = List.copyOf(keys);
    }

    List<Entry> entries() {
        return entries;
    }

    /** The certificate to present for {@code serverName} (null when the client sent no SNI). */
    Entry select(String serverName, Instant now) {
        if (serverName != null) {
            for (Entry e : entries) {
                if (e.validAt(now) && e.matches(serverName)) {
                    return e;
                }
            }
        }
        for (Entry e : entries) {
            if (e.validAt(now)) {
                return e;
            }
        }
        return entries.getFirst();
    }

    /** {@code --cert FILE --key FILE}. An expired certificate is served anyway (the caller warns). */
    static CertificateStore fromFiles(Path certFile, Path keyFile) throws TlsConfigException {
        Loader loader = new Loader();
        try {
            loader.add(certFile, read(certFile), true, false);
            loader.add(keyFile, read(keyFile), false, true);
            if (loader.chains.isEmpty()) {
                throw new TlsConfigException(certFile + ": no CERTIFICATE block found");
            }
            if (loader.keys.isEmpty()) {
                throw new TlsConfigException(keyFile + ": no PRIVATE KEY block found");
            }
            return loader.finish(certFile.toString(), false, Instant.now());
        } catch (TlsConfigException | RuntimeException e) {
            loader.abandon();
            throw e;
        }
    }

    /** {@code --cert-dir DIR}: every regular, non-hidden file, in lexicographic path order. */
    static CertificateStore fromDirectory(Path dir, Instant now) throws TlsConfigException {
        if (!Files.isDirectory(dir)) {
            throw new TlsConfigException("--cert-dir " + dir + ": not a directory");
        }
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new TlsConfigException("--cert-dir " + dir + ": cannot list: " + e.getMessage(), e);
        }
        Loader loader = new Loader();
        try {
            for (Path file : files) {
                String text = read(file);
                if (Pem.looksLikePem(text)) {
                    loader.add(file, text, true, true);
                }
            }
            if (loader.chains.isEmpty()) {
                throw new TlsConfigException("--cert-dir " + dir + ": no certificates found");
            }
            return loader.finish("--cert-dir " + dir, true, now);
        } catch (TlsConfigException | RuntimeException e) {
            loader.abandon();
            throw e;
        }
    }

    /** In-memory PEM (the self-signed certificate). */
    static CertificateStore fromPem(String name, String certPem, String keyPem) throws TlsConfigException {
        Loader loader = new Loader();
        try {
            loader.add(Path.of(name), certPem + keyPem, true, true);
            return loader.finish(name, false, Instant.now());
        } catch (TlsConfigException | RuntimeException e) {
            loader.abandon();
            throw e;
        }
    }

    private static String read(Path file) throws TlsConfigException {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new TlsConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new TlsConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (MemorySegment k : keys) {
            LibCrypto.EVP_PKEY_free(k);
        }
        for (MemorySegment b : buffers) {
            LibCrypto.CRYPTO_BUFFER_free(b);
        }
        arena.close();
    }

    /** Collects chains and keys from files, then pairs them by public key. */
    private static final class Loader {
        private record Chain(Path source, List<X509Certificate> certs) {
        }

        private record Key(Path source, int line, MemorySegment pkey, byte[] spki) {
        }

        final List<Chain> chains = new ArrayList<>();
        final List<Key> keys = new ArrayList<>();
        private final List<MemorySegment> buffers = new ArrayList<>();
        private final Arena arena = Arena.ofShared();

        void add(Path source, String text, boolean certsAllowed, boolean keysAllowed) throws TlsConfigException {
            List<Pem.Block> blocks;
            try {
                blocks = Pem.parse(text, source.toString());
            } catch (IllegalArgumentException e) {
                throw new TlsConfigException(e.getMessage(), e);
            }
            List<X509Certificate> certs = new ArrayList<>();
            for (Pem.Block b : blocks) {
                switch (b.label()) {
                    case "CERTIFICATE", "TRUSTED CERTIFICATE" -> {
                        if (!certsAllowed) {
                            continue;
                        }
                        try {
                            certs.add((X509Certificate) CertificateFactory.getInstance("X.509")
                                    .generateCertificate(new ByteArrayInputStream(b.der())));
                        } catch (CertificateException e) {
                            throw new TlsConfigException(source + ": line " + b.line()
                                    + ": not a valid X.509 certificate (" + e.getMessage() + ")", e);
                        }
                    }
                    case "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY" -> {
                        if (keysAllowed) {
                            keys.add(parseKey(source, b));
                        }
                    }
                    case "ENCRYPTED PRIVATE KEY" -> throw new TlsConfigException(source + ": line " + b.line()
                            + ": encrypted private keys are not supported (remove the passphrase)");
                    default -> {
                        // Parameters blocks (EC PARAMETERS) and others carry nothing we serve.
                    }
                }
            }
            if (!certs.isEmpty()) {
                chains.add(new Chain(source, certs));
            }
        }

        private Key parseKey(Path source, Pem.Block block) throws TlsConfigException {
            byte[] text = block.text().getBytes(StandardCharsets.US_ASCII);
            try (Arena tmp = Arena.ofConfined()) {
                LibCrypto.ERR_clear_error();
                MemorySegment buf = tmp.allocateFrom(ValueLayout.JAVA_BYTE, text);
                MemorySegment bio = LibCrypto.BIO_new_mem_buf(buf, text.length);
                MemorySegment pkey = LibCrypto.PEM_read_bio_PrivateKey(bio, MemorySegment.NULL, MemorySegment.NULL,
                        MemorySegment.NULL);
                LibCrypto.BIO_free(bio);
                if (pkey.equals(MemorySegment.NULL)) {
                    throw new TlsConfigException(source + ": line " + block.line() + ": unreadable "
                            + block.label() + " (" + BoringSsl.drainErrors() + ")");
                }
                int len = LibCrypto.i2d_PUBKEY(pkey, MemorySegment.NULL);
                if (len <= 0) {
                    LibCrypto.EVP_PKEY_free(pkey);
                    throw new TlsConfigException(source + ": line " + block.line()
                            + ": unsupported key type (" + BoringSsl.drainErrors() + ")");
                }
                MemorySegment out = tmp.allocate(len);
                MemorySegment cursor = tmp.allocate(ValueLayout.ADDRESS);
                cursor.set(ValueLayout.ADDRESS, 0, out);
                LibCrypto.i2d_PUBKEY(pkey, cursor);
                return new Key(source, block.line(), pkey, out.toArray(ValueLayout.JAVA_BYTE));
            }
        }

        CertificateStore finish(String what, boolean directory, Instant now) throws TlsConfigException {
            List<Entry> entries = new ArrayList<>();
            List<Key> used = new ArrayList<>();
            for (Chain chain : chains) {
                byte[] spki = chain.certs().getFirst().getPublicKey().getEncoded();
                Key key = keys.stream().filter(k -> Arrays.equals(k.spki(), spki)).findFirst().orElse(null);
                if (key == null) {
                    if (directory) {
                        // A CA bundle (certbot's chain.pem) or a certificate whose key lives elsewhere.
                        LOG.log(System.Logger.Level.INFO, "{0}: no private key for certificate ''{1}'' in {2};"
                                + " ignored", chain.source(), subject(chain), what);
                        continue;
                    }
                    throw new TlsConfigException(chain.source() + ": certificate '" + subject(chain)
                            + "' does not match the private key");
                }
                used.add(key);
                entries.add(new Entry(chain.source(), List.copyOf(chain.certs()), dnsNames(chain),
                        nativeChain(chain.certs()), key.pkey()));
            }
            for (Key key : keys) {
                if (!used.contains(key)) {
                    throw new TlsConfigException(key.source() + ": line " + key.line()
                            + ": private key matches no certificate" + (directory ? " in " + what : ""));
                }
            }
            if (entries.isEmpty()) {
                throw new TlsConfigException(what + ": no certificate with a matching private key");
            }
            if (directory && entries.stream().noneMatch(e -> e.validAt(now))) {
                throw new TlsConfigException(what + ": every certificate is expired or not yet valid");
            }
            return new CertificateStore(arena, entries, buffers,
                    keys.stream().map(Key::pkey).toList());
        }

        private static String subject(Chain chain) {
            return chain.certs().getFirst().getSubjectX500Principal().getName();
        }

        private MemorySegment nativeChain(List<X509Certificate> certs) throws TlsConfigException {
            MemorySegment array = arena.allocate(ValueLayout.ADDRESS, certs.size());
            for (int i = 0; i < certs.size(); i++) {
                byte[] der;
                try {
                    der = certs.get(i).getEncoded();
                } catch (java.security.cert.CertificateEncodingException e) {
                    throw new TlsConfigException("cannot encode certificate: " + e.getMessage(), e);
                }
                try (Arena tmp = Arena.ofConfined()) {
                    MemorySegment data = tmp.allocateFrom(ValueLayout.JAVA_BYTE, der);
                    MemorySegment buffer = LibCrypto.CRYPTO_BUFFER_new(data, der.length, MemorySegment.NULL);
                    if (buffer.equals(MemorySegment.NULL)) {
                        throw new TlsConfigException("CRYPTO_BUFFER_new: " + BoringSsl.drainErrors());
                    }
                    buffers.add(buffer);
                    array.setAtIndex(ValueLayout.ADDRESS, i, buffer);
                }
            }
            return array.reinterpret(ValueLayout.ADDRESS.byteSize() * certs.size());
        }

        private static List<String> dnsNames(Chain chain) throws TlsConfigException {
            List<String> names = new ArrayList<>();
            try {
                var sans = chain.certs().getFirst().getSubjectAlternativeNames();
                if (sans != null) {
                    for (List<?> san : sans) {
                        if ((Integer) san.get(0) == 2) {
                            names.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
                        }
                    }
                }
            } catch (CertificateParsingException e) {
                throw new TlsConfigException(chain.source() + ": bad subjectAltName: " + e.getMessage(), e);
            }
            return List.copyOf(names);
        }

        void abandon() {
            for (Key k : keys) {
                LibCrypto.EVP_PKEY_free(k.pkey());
            }
            for (MemorySegment b : buffers) {
                LibCrypto.CRYPTO_BUFFER_free(b);
            }
            arena.close();
        }
    }
}
