package io.zeroserve.tls;

import io.zeroserve.ffi.boringssl.BoringSsl;
import io.zeroserve.ffi.boringssl.LibCrypto;
import io.zeroserve.ffi.boringssl.LibSsl;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * Encrypted Client Hello keys (draft-ietf-tls-esni-13, the version BoringSSL speaks here: 0xfe0d), loaded from
 * {@code --ech-key FILE|DIR}.
 *
 * <p>File format (zeroserve's): PEM with one or more pairs of an {@code ECH PRIVATE KEY} block (the raw 32-byte
 * X25519 HPKE private key) and an {@code ECH CONFIG} block (one serialized ECHConfig; an ECHConfigList is accepted
 * too). The i-th key belongs to the i-th config of the file. A directory is read in sorted file-name order, skipping
 * dot-files. Every config is a retry config, so a client holding a stale config gets the current list back. Two
 * configs with the same {@code config_id} are rejected, naming both files.
 *
 * <p>Ownership: owns one {@code SSL_ECH_KEYS} reference, released by {@link #close()}; each {@code SSL_CTX} that
 * uses the keys holds its own.
 */
public final class EchKeys implements AutoCloseable {
    /** One loaded ECHConfig. */
    public record Config(Path source, int configId, String publicName, byte[] encoded) {
    }

    /** Output of {@code --gen-ech-key}: the PEM bundle (stdout) and the ECHConfigList for DNS (stderr). */
    public record Generated(String pem, byte[] configList) {
        /** Base64 ECHConfigList: the value of the {@code ech} parameter of an HTTPS DNS record. */
        public String configListBase64() {
            return Base64.getEncoder().encodeToString(configList);
        }
    }

    private static final int ECH_VERSION = 0xfe0d;
    private static final int KEM_X25519_HKDF_SHA256 = 0x0020;

    private final MemorySegment keys;
    private final List<Config> configs;
    private final byte[] configList;

    private EchKeys(MemorySegment keys, List<Config> configs, byte[] configList) {
        this.keys = keys;
        this.configs = List.copyOf(configs);
        this.configList = configList;
    }

    /** The {@code SSL_ECH_KEYS*}, for {@code SSL_CTX_set1_ech_keys}. */
    MemorySegment nativeKeys() {
        return keys;
    }

    public List<Config> configs() {
        return configs;
    }

    /** The ECHConfigList clients should use (all configs, in load order). */
    public byte[] configList() {
        return configList.clone();
    }

    /**
     * Reads keys from a file or a directory.
     *
     * @throws TlsConfigException naming the file and the problem
     */
    public static EchKeys load(Path fileOrDir) throws TlsConfigException {
        List<Path> files;
        if (Files.isDirectory(fileOrDir)) {
            try (Stream<Path> list = Files.list(fileOrDir)) {
                files = list.filter(p -> !p.getFileName().toString().startsWith("."))
                        .filter(Files::isRegularFile).sorted().toList();
            } catch (IOException e) {
                throw new TlsConfigException("--ech-key " + fileOrDir + ": cannot list: " + e.getMessage(), e);
            }
            if (files.isEmpty()) {
                throw new TlsConfigException("--ech-key " + fileOrDir + ": directory has no key files");
            }
        } else {
            files = List.of(fileOrDir);
        }
        List<Config> configs = new ArrayList<>();
        MemorySegment keys = LibSsl.SSL_ECH_KEYS_new();
        try (Arena tmp = Arena.ofConfined()) {
            for (Path file : files) {
                String text;
                try {
                    text = Files.readString(file, StandardCharsets.ISO_8859_1);
                } catch (NoSuchFileException e) {
                    throw new TlsConfigException("--ech-key " + file + ": no such file");
                } catch (IOException e) {
                    throw new TlsConfigException("--ech-key " + file + ": cannot read: " + e.getMessage(), e);
                }
                addFile(keys, file, text, configs, tmp);
            }
            MemorySegment out = tmp.allocate(ValueLayout.ADDRESS);
            MemorySegment outLen = tmp.allocate(ValueLayout.JAVA_LONG);
            if (LibSsl.SSL_ECH_KEYS_marshal_retry_configs(keys, out, outLen) != 1) {
                throw new TlsConfigException("--ech-key " + fileOrDir + ": SSL_ECH_KEYS_marshal_retry_configs: "
                        + BoringSsl.drainErrors());
            }
            byte[] list = copyAndFree(out, outLen);
            return new EchKeys(keys, configs, list);
        } catch (TlsConfigException | RuntimeException e) {
            LibSsl.SSL_ECH_KEYS_free(keys);
            throw e;
        }
    }

    private static void addFile(MemorySegment keys, Path file, String text, List<Config> configs, Arena tmp)
            throws TlsConfigException {
        List<Pem.Block> blocks;
        try {
            blocks = Pem.parse(text, "--ech-key " + file);
        } catch (IllegalArgumentException e) {
            throw new TlsConfigException(e.getMessage(), e);
        }
        List<Pem.Block> privateKeys = blocks.stream().filter(b -> b.label().equals("ECH PRIVATE KEY")).toList();
        List<byte[]> encodedConfigs = new ArrayList<>();
        for (Pem.Block b : blocks) {
            if (b.label().equals("ECH CONFIG") || b.label().equals("ECHCONFIG")) {
                encodedConfigs.addAll(splitConfigs(file, b));
            }
        }
        if (privateKeys.isEmpty() || encodedConfigs.isEmpty()) {
            throw new TlsConfigException("--ech-key " + file
                    + ": expected ECH PRIVATE KEY and ECH CONFIG blocks (make one with --gen-ech-key)");
        }
        if (privateKeys.size() != encodedConfigs.size()) {
            throw new TlsConfigException("--ech-key " + file + ": " + privateKeys.size() + " ECH PRIVATE KEY blocks"
                    + " but " + encodedConfigs.size() + " ECH configs; they must pair up in order");
        }
        for (int i = 0; i < privateKeys.size(); i++) {
            Pem.Block keyBlock = privateKeys.get(i);
            byte[] config = encodedConfigs.get(i);
            ParsedConfig parsed = parseConfig(file, config);
            for (Config other : configs) {
                if (other.configId() == parsed.configId) {
                    throw new TlsConfigException("--ech-key " + file + ": config_id " + parsed.configId
                            + " is already used by " + other.source() + "; each ECH config needs its own id");
                }
            }
            byte[] priv = keyBlock.der();
            if (priv.length != 32) {
                throw new TlsConfigException("--ech-key " + file + ": line " + keyBlock.line()
                        + ": ECH PRIVATE KEY must be a 32-byte X25519 key, found " + priv.length + " bytes");
            }
            MemorySegment hpke = LibCrypto.EVP_HPKE_KEY_new();
            try {
                MemorySegment privSeg = tmp.allocateFrom(ValueLayout.JAVA_BYTE, priv);
                if (LibCrypto.EVP_HPKE_KEY_init(hpke, LibCrypto.EVP_hpke_x25519_hkdf_sha256(), privSeg, 32) != 1) {
                    throw new TlsConfigException("--ech-key " + file + ": line " + keyBlock.line()
                            + ": invalid X25519 private key (" + BoringSsl.drainErrors() + ")");
                }
                MemorySegment pub = tmp.allocate(32);
                MemorySegment pubLen = tmp.allocate(ValueLayout.JAVA_LONG);
                LibCrypto.EVP_HPKE_KEY_public_key(hpke, pub, pubLen, 32);
                if (!Arrays.equals(pub.toArray(ValueLayout.JAVA_BYTE), parsed.publicKey)) {
                    throw new TlsConfigException("--ech-key " + file + ": line " + keyBlock.line()
                            + ": ECH PRIVATE KEY does not belong to the ECH config with config_id " + parsed.configId);
                }
                MemorySegment configSeg = tmp.allocateFrom(ValueLayout.JAVA_BYTE, config);
                if (LibSsl.SSL_ECH_KEYS_add(keys, 1, configSeg, config.length, hpke) != 1) {
                    throw new TlsConfigException("--ech-key " + file + ": BoringSSL rejected the ECH config ("
                            + BoringSsl.drainErrors() + ")");
                }
            } finally {
                LibCrypto.EVP_HPKE_KEY_free(hpke);
            }
            configs.add(new Config(file, parsed.configId, parsed.publicName, config));
        }
    }

    /** An ECH CONFIG block holds one ECHConfig, or an ECHConfigList (2-byte length, then configs). */
    private static List<byte[]> splitConfigs(Path file, Pem.Block block) throws TlsConfigException {
        byte[] b = block.der();
        if (b.length >= 4 && u16(b, 0) == ECH_VERSION) {
            return List.of(b);
        }
        if (b.length >= 2 && u16(b, 0) == b.length - 2) {
            List<byte[]> out = new ArrayList<>();
            int pos = 2;
            while (pos + 4 <= b.length) {
                int len = u16(b, pos + 2);
                if (pos + 4 + len > b.length) {
                    break;
                }
                if (u16(b, pos) == ECH_VERSION) {
                    out.add(Arrays.copyOfRange(b, pos, pos + 4 + len));
                }
                pos += 4 + len;
            }
            if (pos == b.length && !out.isEmpty()) {
                return out;
            }
        }
        throw new TlsConfigException("--ech-key " + file + ": line " + block.line()
                + ": ECH CONFIG is not an ECHConfig of version 0xfe0d");
    }

    private record ParsedConfig(int configId, String publicName, byte[] publicKey) {
    }

    /** ECHConfig (draft-13 section 4): version, length, then HpkeKeyConfig, maximum_name_length, public_name. */
    private static ParsedConfig parseConfig(Path file, byte[] c) throws TlsConfigException {
        try {
            if (u16(c, 0) != ECH_VERSION || u16(c, 2) != c.length - 4) {
                throw new IndexOutOfBoundsException();
            }
            int pos = 4;
            int configId = c[pos] & 0xff;
            int kem = u16(c, pos + 1);
            int pubLen = u16(c, pos + 3);
            byte[] pub = Arrays.copyOfRange(c, pos + 5, pos + 5 + pubLen);
            pos += 5 + pubLen;
            pos += 2 + u16(c, pos); // cipher_suites
            pos += 1; // maximum_name_length
            int nameLen = c[pos] & 0xff;
            String name = new String(c, pos + 1, nameLen, StandardCharsets.US_ASCII);
            if (kem != KEM_X25519_HKDF_SHA256) {
                throw new TlsConfigException("--ech-key " + file + ": config_id " + configId + " uses KEM 0x"
                        + Integer.toHexString(kem) + "; only X25519 (0x0020) is supported");
            }
            return new ParsedConfig(configId, name, pub);
        } catch (IndexOutOfBoundsException e) {
            throw new TlsConfigException("--ech-key " + file + ": ECH CONFIG is truncated or malformed");
        }
    }

    private static int u16(byte[] b, int pos) {
        return ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
    }

    private static byte[] copyAndFree(MemorySegment out, MemorySegment outLen) {
        long len = outLen.get(ValueLayout.JAVA_LONG, 0);
        MemorySegment p = out.get(ValueLayout.ADDRESS, 0);
        byte[] bytes = p.reinterpret(len).toArray(ValueLayout.JAVA_BYTE);
        LibCrypto.OPENSSL_free(p);
        return bytes;
    }

    /**
     * {@code --gen-ech-key --ech-public-name NAME}: a new X25519 key and an ECHConfig with a random config_id.
     *
     * @param publicName the name clients put in the outer ClientHello; the server needs a certificate for it
     */
    public static Generated generate(String publicName) {
        if (publicName == null || publicName.isBlank() || publicName.length() > 255
                || !publicName.matches("[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("--ech-public-name must be a DNS name, got '" + publicName + "'");
        }
        byte[] id = new byte[1];
        new SecureRandom().nextBytes(id);
        MemorySegment hpke = LibCrypto.EVP_HPKE_KEY_new();
        try (Arena tmp = Arena.ofConfined()) {
            if (LibCrypto.EVP_HPKE_KEY_generate(hpke, LibCrypto.EVP_hpke_x25519_hkdf_sha256()) != 1) {
                throw new IllegalStateException("EVP_HPKE_KEY_generate: " + BoringSsl.drainErrors());
            }
            MemorySegment out = tmp.allocate(ValueLayout.ADDRESS);
            MemorySegment outLen = tmp.allocate(ValueLayout.JAVA_LONG);
            if (LibSsl.SSL_marshal_ech_config(out, outLen, id[0], hpke, tmp.allocateFrom(publicName),
                    publicName.length()) != 1) {
                throw new IllegalStateException("SSL_marshal_ech_config: " + BoringSsl.drainErrors());
            }
            byte[] config = copyAndFree(out, outLen);
            MemorySegment priv = tmp.allocate(32);
            MemorySegment privLen = tmp.allocate(ValueLayout.JAVA_LONG);
            if (LibCrypto.EVP_HPKE_KEY_private_key(hpke, priv, privLen, 32) != 1) {
                throw new IllegalStateException("EVP_HPKE_KEY_private_key: " + BoringSsl.drainErrors());
            }
            byte[] key = priv.asSlice(0, privLen.get(ValueLayout.JAVA_LONG, 0)).toArray(ValueLayout.JAVA_BYTE);
            byte[] list = new byte[config.length + 2];
            list[0] = (byte) (config.length >> 8);
            list[1] = (byte) config.length;
            System.arraycopy(config, 0, list, 2, config.length);
            String pem = Pem.write("ECH PRIVATE KEY", key) + Pem.write("ECH CONFIG", config);
            Arrays.fill(key, (byte) 0);
            return new Generated(pem, list);
        } finally {
            LibCrypto.EVP_HPKE_KEY_free(hpke);
        }
    }

    @Override
    public void close() {
        LibSsl.SSL_ECH_KEYS_free(keys);
    }
}
