package io.zeroserve.http;

import io.helidon.webserver.ProxyProtocolData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A PROXY protocol v1 header ({@code PROXY TCP4 src dst sport dport\r\n}, at most 107 bytes, haproxy's
 * proxy-protocol.txt §2.1), and the bytes that followed it in the same reads.
 */
record ProxyHeader(ProxyProtocolData data, byte[] leftover) {
    static final int MAX_LENGTH = 107;

    /**
     * Reads the header from the start of a connection.
     *
     * @param source chunks as the socket gives them; null at end of stream
     * @throws IOException when the bytes are not a valid v1 header (the connection must be closed)
     */
    static ProxyHeader read(Supplier<byte[]> source) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream(128);
        while (true) {
            byte[] chunk = source.get();
            if (chunk == null) {
                throw new IOException("connection closed inside the PROXY header");
            }
            seen.writeBytes(chunk);
            byte[] all = seen.toByteArray();
            int end = indexOfCrLf(all);
            if (end >= 0) {
                if (end + 2 > MAX_LENGTH) {
                    throw new IOException("PROXY header longer than " + MAX_LENGTH + " bytes");
                }
                ProxyProtocolData data = parse(new String(all, 0, end, StandardCharsets.US_ASCII));
                return new ProxyHeader(data, Arrays.copyOfRange(all, end + 2, all.length));
            }
            if (all.length >= MAX_LENGTH) {
                throw new IOException("no PROXY header line end within " + MAX_LENGTH + " bytes");
            }
        }
    }

    private static int indexOfCrLf(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    static ProxyProtocolData parse(String line) throws IOException {
        String[] parts = line.split(" ", -1);
        if (parts.length < 2 || !parts[0].equals("PROXY")) {
            throw new IOException("expected a PROXY v1 header, got '" + printable(line) + "'");
        }
        if (parts[1].equals("UNKNOWN")) {
            return new Data(ProxyProtocolData.Family.UNKNOWN, ProxyProtocolData.Protocol.UNKNOWN, "", "", -1, -1);
        }
        if (parts.length != 6) {
            throw new IOException("PROXY header needs 6 fields, got " + parts.length + ": '" + printable(line) + "'");
        }
        ProxyProtocolData.Family family = switch (parts[1]) {
            case "TCP4" -> ProxyProtocolData.Family.IPv4;
            case "TCP6" -> ProxyProtocolData.Family.IPv6;
            default -> throw new IOException("PROXY header: unknown protocol '" + printable(parts[1]) + "'");
        };
        String source = address(parts[2], family);
        String destination = address(parts[3], family);
        return new Data(family, ProxyProtocolData.Protocol.TCP, source, destination, port(parts[4]), port(parts[5]));
    }

    private static String address(String text, ProxyProtocolData.Family family) throws IOException {
        boolean v4 = family == ProxyProtocolData.Family.IPv4;
        boolean looksRight = v4 ? text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") : text.matches("[0-9a-fA-F:.]+")
                && text.indexOf(':') >= 0;
        if (!looksRight) {
            throw new IOException("PROXY header: bad " + (v4 ? "IPv4" : "IPv6") + " address '" + printable(text) + "'");
        }
        try {
            return InetAddress.getByName(text).getHostAddress(); // a literal: no name lookup happens
        } catch (UnknownHostException e) {
            throw new IOException("PROXY header: bad address '" + printable(text) + "'");
        }
    }

    private static int port(String text) throws IOException {
        try {
            int port = Integer.parseInt(text);
            if (port < 0 || port > 65535 || !text.matches("[0-9]+")) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IOException("PROXY header: bad port '" + printable(text) + "'");
        }
    }

    private static String printable(String text) {
        return text.replaceAll("[^\\x20-\\x7e]", "?");
    }

    record Data(Family family, Protocol protocol, String sourceAddress, String destAddress, int sourcePort,
                int destPort) implements ProxyProtocolData {
    }
}
