package io.zeroserve.script;

import io.zeroserve.ebpf.HelperException;
import io.zeroserve.ebpf.HelperTable;
import io.zeroserve.script.json.JsonNode;
import io.zeroserve.script.oidc.IdpException;
import io.zeroserve.script.oidc.OidcConfig;
import io.zeroserve.script.oidc.OidcConfigException;
import io.zeroserve.script.oidc.OidcFlow;

import java.util.Optional;

/**
 * The OpenID Connect helpers over {@link OidcFlow}. A {@code cfg} that is not an object or lacks what the helper
 * needs is a soft failure: logged as {@code [oidc] <helper>: <reason>}, -1 returned. An unknown handle or bad
 * string is a hard failure, as everywhere; so is a discovery failure in {@code zs_oidc_begin_login} (500, as in
 * the original). begin_login, the callback and logout are terminal: they set the script's response.
 */
final class OidcHelpers {
    private OidcHelpers() {
    }

    static void register(HelperTable.Builder b) {
        b.add("zs_oidc_begin_login", (c, cfgHandle, ptr, len, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            JsonNode node = ctx.json(cfgHandle).node;
            String returnTo = Guest.str(c.memory(), ptr, len);
            OidcConfig cfg = config(ctx, "zs_oidc_begin_login", node, true);
            if (cfg == null) {
                return -1;
            }
            try {
                respond(ctx, oidc(ctx).beginLogin(cfg, returnTo, tls(ctx)));
            } catch (IdpException e) {
                throw new HelperException("zs_oidc_begin_login: " + e.getMessage());
            }
            return 0;
        });
        b.add("zs_oidc_handle_callback", (c, cfgHandle, r2, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            OidcConfig cfg = config(ctx, "zs_oidc_handle_callback", ctx.json(cfgHandle).node, true);
            if (cfg == null) {
                return -1;
            }
            RequestState req = ctx.run.state;
            String query = req.query();
            respond(ctx, oidc(ctx).handleCallback(cfg, RequestHelpers.QueryString.first(query, "code"),
                    RequestHelpers.QueryString.first(query, "state"), req.header("cookie"), tls(ctx),
                    line -> ctx.host().log("[oidc] " + ctx.run.request.requestId() + ": zs_oidc_handle_callback: "
                            + line)));
            return 0;
        });
        b.add("zs_oidc_session_verify", (c, cfgHandle, r2, r3, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            OidcConfig cfg = config(ctx, "zs_oidc_session_verify", ctx.json(cfgHandle).node, false);
            if (cfg == null) {
                return -1;
            }
            Optional<JsonNode> claims = oidc(ctx).verifySession(cfg, ctx.run.state.header("cookie"));
            return claims.isEmpty() ? 0 : ctx.addJson(claims.get());
        });
        b.add("zs_oidc_logout", (c, cfgHandle, ptr, len, r4, r5) -> {
            ScriptContext ctx = ScriptContext.of(c);
            JsonNode node = ctx.json(cfgHandle).node;
            String endUrl = Guest.str(c.memory(), ptr, len);
            for (int i = 0; i < endUrl.length(); i++) {
                if (endUrl.charAt(i) <= 0x20 || endUrl.charAt(i) >= 0x7f) {
                    // It becomes a Location header: no CR/LF smuggling, and URLs are percent-encoded anyway.
                    throw new HelperException("zs_oidc_logout: end_session_url must be printable ASCII with no "
                            + "spaces (percent-encode the rest), found U+"
                            + String.format("%04X", (int) endUrl.charAt(i)) + " at " + i);
                }
            }
            OidcConfig cfg;
            try {
                // Logout only clears a cookie: the original asks for nothing but an object.
                cfg = OidcConfig.parse(node);
            } catch (OidcConfigException e) {
                ctx.host().log("[oidc] zs_oidc_logout: " + e.getMessage());
                return -1;
            }
            respond(ctx, oidc(ctx).logout(cfg, endUrl, tls(ctx)));
            return 0;
        });
    }

    /** The checked config, or null after logging why it is unusable. */
    private static OidcConfig config(ScriptContext ctx, String helper, JsonNode node, boolean login) {
        try {
            OidcConfig cfg = OidcConfig.parse(node);
            return login ? cfg.requireLogin() : cfg.requireCookieSecret();
        } catch (OidcConfigException e) {
            ctx.host().log("[oidc] " + helper + ": " + e.getMessage());
            return null;
        }
    }

    private static OidcFlow oidc(ScriptContext ctx) {
        return ctx.host().oidc();
    }

    private static boolean tls(ScriptContext ctx) {
        return "https".equals(ctx.run.request.scheme());
    }

    private static void respond(ScriptContext ctx, OidcFlow.Reply reply) {
        ctx.response = new ScriptResponse(reply.status(), reply.body(), reply.contentType(), reply.headers());
    }
}
