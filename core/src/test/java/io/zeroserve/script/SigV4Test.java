package io.zeroserve.script;

import io.zeroserve.script.sigv4.SigV4;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Checked against the worked examples of AWS's "Signature Calculations for the Authorization Header" pages. */
class SigV4Test {
    private static final String ACCESS = "AKIAIOSFODNN7EXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static final String EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    /** 20130524T000000Z. */
    private static final long TS = 1369353600_000L;

    @Test
    void s3GetObjectAuthorizationHeader() {
        SigV4.Request r = new SigV4.Request(ACCESS, SECRET, "us-east-1", "s3", "GET", "/test.txt",
                List.of(Map.entry("Host", "examplebucket.s3.amazonaws.com"), Map.entry("Range", "bytes=0-9"),
                        Map.entry("x-amz-content-sha256", EMPTY_SHA), Map.entry("x-amz-date", "20130524T000000Z")),
                EMPTY_SHA, TS);
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
                SigV4.authorizationHeader(r));
    }

    @Test
    void s3PresignedUrl() {
        SigV4.Request r = new SigV4.Request(ACCESS, SECRET, "us-east-1", "s3", "GET", "/test.txt",
                List.of(Map.entry("host", "examplebucket.s3.amazonaws.com")), "UNSIGNED-PAYLOAD", TS);
        assertEquals("/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"
                + "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
                SigV4.presignedUrl(r, 86400));
    }

    @Test
    void helperReadsTheParamsStruct() throws Exception {
        Harness.Fixture f = new Harness().fixture();
        FakeGuest g = f.g();
        long headers = g.call("zs_json_parse", g.ro("{\"host\":\"examplebucket.s3.amazonaws.com\"}"), 41);
        long out = g.alloc(512);
        ByteBuffer p = ByteBuffer.allocate(144).order(ByteOrder.LITTLE_ENDIAN);
        p.putLong(g.ro(ACCESS)).putLong(ACCESS.length());
        p.putLong(g.ro(SECRET)).putLong(SECRET.length());
        p.putLong(g.ro("us-east-1")).putLong(9);
        p.putLong(g.ro("s3")).putLong(2);
        p.putLong(g.ro("GET")).putLong(3);
        p.putLong(g.ro("/test.txt")).putLong(9);
        p.putLong(headers);
        p.putLong(0).putLong(0);
        p.putLong(TS);
        p.putLong(out).putLong(512);
        long params = g.put(p.array());
        long n = g.call("zs_aws_v4_presigned_url", params, 144, 86400);
        String url = g.cstring(out);
        assertEquals(url.length(), n);
        assertEquals(true, url.endsWith("aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
        assertThrows(io.zeroserve.ebpf.HelperException.class, () -> g.call("zs_aws_v4_presigned_url", params, 100, 1));
        // out_len = 0 returns 0 without writing.
        ByteBuffer p0 = ByteBuffer.wrap(p.array().clone()).order(ByteOrder.LITTLE_ENDIAN);
        p0.putLong(136, 0);
        assertEquals(0, g.call("zs_aws_v4_presigned_url", g.put(p0.array()), 144, 86400));
    }
}
