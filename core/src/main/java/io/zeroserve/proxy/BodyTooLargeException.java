package io.zeroserve.proxy;

/** The request body is longer than the body limit a script set ({@code zs_req_body_limit}): the client gets a 413. */
public final class BodyTooLargeException extends UpstreamException {
    public BodyTooLargeException(long limit) {
        super("request body exceeds the limit of " + limit + " bytes set by zs_req_body_limit");
    }
}
