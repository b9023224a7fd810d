package io.zeroserve.http;

import io.helidon.http.PathMatcher;
import io.helidon.http.PathMatchers;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ErrorHandlers;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpSecurity;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Map;

/**
 * The server's routing: every request goes to one handler. Helidon's {@code HttpRouting.builder().any(handler)}
 * would do the same through filters, a route crawler and path matching per request (about 7 % of a small static
 * response's CPU); this skips them and keeps Helidon's error handling, so a handler's exception still becomes the
 * same 4xx/5xx or closed connection.
 */
public final class DirectRouting implements HttpRouting {
    private static final ErrorHandlers ERRORS = ErrorHandlers.create(Map.of());
    private static final HttpSecurity SECURITY = HttpSecurity.create();
    private static final PathMatcher ANY_PATH = PathMatchers.any();

    private final Handler handler;

    public DirectRouting(Handler handler) {
        this.handler = handler;
    }

    /** For {@code Router.builder().addRouting(...)}, which takes builders. */
    public static Builder builder(Handler handler) {
        return new Builder(handler);
    }

    @Override
    public void route(ConnectionContext ctx, RoutingRequest request, RoutingResponse response) {
        ERRORS.runWithErrorHandling(ctx, request, response, () -> {
            request.path(ANY_PATH.match(request.prologue().uriPath()).path()); // req.path(), as a route sets it
            handler.handle(request, response);
            return null;
        });
    }

    @Override
    public HttpSecurity security() {
        return SECURITY;
    }

    /** A builder only because Helidon's router is assembled from routing builders. */
    public static final class Builder implements io.helidon.common.Builder<Builder, DirectRouting> {
        private final Handler handler;

        private Builder(Handler handler) {
            this.handler = handler;
        }

        @Override
        public DirectRouting build() {
            return new DirectRouting(handler);
        }
    }
}
