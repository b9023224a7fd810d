package io.zeroserve.tls;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** PEM blocks (RFC 7468): parsing with errors that name the source and line, and writing. */
final class Pem {
    /** One block: its label (e.g. {@code CERTIFICATE}), decoded bytes, and its own text (for BoringSSL). */
    record Block(String label, byte[] der, String text, int line) {
    }

    private Pem() {
    }

    /** True when {@code text} contains at least one BEGIN line. */
    static boolean looksLikePem(String text) {
        return text.contains("-----BEGIN ");
    }

    /**
     * Parses every block in {@code text}; text between blocks is ignored (as OpenSSL does).
     *
     * @param source named in error messages, e.g. the file path
     * @throws IllegalArgumentException on an unterminated block, mismatched labels or bad base64
     */
    static List<Block> parse(String text, String source) {
        List<Block> blocks = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (!line.startsWith("-----BEGIN ")) {
                continue;
            }
            if (!line.endsWith("-----") || line.length() < 16) {
                throw new IllegalArgumentException(source + ": line " + (i + 1) + ": malformed PEM BEGIN line");
            }
            String label = line.substring(11, line.length() - 5);
            int start = i;
            StringBuilder b64 = new StringBuilder();
            String end = "-----END " + label + "-----";
            boolean closed = false;
            for (i = i + 1; i < lines.length; i++) {
                String l = lines[i].strip();
                if (l.equals(end)) {
                    closed = true;
                    break;
                }
                if (l.startsWith("-----")) {
                    throw new IllegalArgumentException(source + ": line " + (i + 1) + ": expected '" + end
                            + "' for the block that starts on line " + (start + 1));
                }
                if (l.contains(":")) {
                    // RFC 1421 encapsulated headers (Proc-Type, DEK-Info): an encrypted key we cannot use.
                    throw new IllegalArgumentException(source + ": line " + (i + 1)
                            + ": encrypted PEM blocks are not supported (remove the passphrase)");
                }
                b64.append(l);
            }
            if (!closed) {
                throw new IllegalArgumentException(source + ": PEM block '" + label + "' starting on line "
                        + (start + 1) + " has no END line");
            }
            byte[] der;
            try {
                der = Base64.getDecoder().decode(b64.toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": PEM block '" + label + "' starting on line "
                        + (start + 1) + ": bad base64 (" + e.getMessage() + ")");
            }
            if (der.length == 0) {
                throw new IllegalArgumentException(source + ": PEM block '" + label + "' starting on line "
                        + (start + 1) + " is empty");
            }
            blocks.add(new Block(label, der, write(label, der), start + 1));
        }
        return blocks;
    }

    /** Writes one block with 64-character lines. */
    static String write(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }
}
