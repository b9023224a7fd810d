package io.zeroserve.script;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A ScriptRequest for tests. */
final class TestRequest implements ScriptRequest {
    String method = "GET";
    String rawPath = "/";
    String query;
    String scheme = "http";
    InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 40000);
    ConnectionFacts connection = ConnectionFacts.plaintext();
    final List<Map.Entry<String, String>> headers = new ArrayList<>();
    byte[] body = new byte[0];
    int bodyReads;

    static TestRequest get(String target) {
        TestRequest r = new TestRequest();
        int q = target.indexOf('?');
        r.rawPath = q < 0 ? target : target.substring(0, q);
        r.query = q < 0 ? null : target.substring(q + 1);
        return r;
    }

    TestRequest header(String name, String value) {
        headers.add(Map.entry(name, value));
        return this;
    }

    TestRequest body(String text) {
        body = text.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    @Override
    public String requestId() {
        return "01TESTREQUEST0000000000000";
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String rawPath() {
        return rawPath;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    @Override
    public int protoMajor() {
        return 1;
    }

    @Override
    public int protoMinor() {
        return 1;
    }

    @Override
    public InetSocketAddress peer() {
        return peer;
    }

    @Override
    public ConnectionFacts connection() {
        return connection;
    }

    @Override
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    @Override
    public byte[] body(int maxBytes) {
        bodyReads++;
        return body.length > maxBytes ? null : body;
    }
}
