package io.zeroserve.site;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Hand-made ustar bytes, for archives that tar libraries refuse to write (hostile names, lying sizes). */
final class RawTar {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    RawTar entry(byte[] name, char type, byte[] data, long declaredSize) {
        byte[] header = new byte[512];
        System.arraycopy(name, 0, header, 0, Math.min(name.length, 100));
        octal(header, 100, 8, 0644);
        octal(header, 108, 8, 0);
        octal(header, 116, 8, 0);
        octal(header, 124, 12, declaredSize);
        octal(header, 136, 12, 1_704_164_645L);
        header[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 6);
        header[263] = '0';
        header[264] = '0';
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        octal(header, 148, 7, sum);
        header[155] = ' ';
        out.writeBytes(header);
        out.writeBytes(data);
        int pad = (512 - data.length % 512) % 512;
        out.writeBytes(new byte[pad]);
        return this;
    }

    RawTar file(String name, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return entry(name.getBytes(StandardCharsets.UTF_8), '0', bytes, bytes.length);
    }

    byte[] finish() {
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    byte[] unfinished() {
        return out.toByteArray();
    }

    private static void octal(byte[] header, int offset, int length, long value) {
        String text = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - text.length())) + text;
        byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length - 1));
        header[offset + length - 1] = 0;
    }
}
