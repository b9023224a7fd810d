package io.zeroserve.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import java.nio.charset.StandardCharsets;

/**
 * The answers Helidon gives on its own (malformed requests, bodies too large, unhandled errors), shaped like
 * zeroserve's built-in error pages: the reason phrase as {@code text/plain; charset=utf-8}, {@code Server:
 * zeroserve}. A request that could not even be parsed gets 400 and the connection is closed.
 */
public final class ErrorPages {
    private ErrorPages() {
    }

    public static DirectHandlers directHandlers() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, ErrorPages::answer);
        }
        return builder.build();
    }

    private static DirectHandler.TransportResponse answer(DirectHandler.TransportRequest request,
                                                          DirectHandler.EventType type, Status status,
                                                          ServerResponseHeaders headers, String message) {
        boolean unparsed = request.method() == null || request.method().isEmpty();
        Status answer = switch (type) {
            case BAD_REQUEST, OTHER -> Status.BAD_REQUEST_400;
            // A request line Helidon could not turn into a request is the client's fault, not ours.
            case INTERNAL_ERROR -> unparsed ? Status.BAD_REQUEST_400 : Status.INTERNAL_SERVER_ERROR_500;
            default -> status;
        };
        headers.set(ZeroServeHandler.SERVER);
        headers.set(ZeroServeHandler.TEXT_PLAIN);
        headers.remove(HeaderNames.CONNECTION);
        byte[] body = answer.reasonPhrase().getBytes(StandardCharsets.US_ASCII);
        return DirectHandler.TransportResponse.builder()
                .status(answer)
                .headers(headers)
                .entity(body)
                .keepAlive(!unparsed && type.keepAlive())
                .build();
    }
}
