package io.zeroserve.script.oidc;

/** Reading one cookie from a {@code Cookie} header and writing {@code Set-Cookie} values (RFC 6265). */
public final class Cookies {
    /** Carries the transient login state between begin_login and the callback. */
    public static final String STATE = "__zs_oidc_state";
    /** Carries the authenticated session. */
    public static final String SESSION = "__zs_oidc_session";

    private Cookies() {
    }

    /** The value of the first cookie named {@code name} in a {@code Cookie} header (pairs split on ';'), or null. */
    public static String value(String cookieHeader, String name) {
        if (cookieHeader == null) {
            return null;
        }
        for (String pair : cookieHeader.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                return pair.substring(eq + 1).trim();
            }
        }
        return null;
    }

    /**
     * {@code name=value; Path=/; HttpOnly; SameSite=Lax; Max-Age=n[; Secure]}. Lax (not Strict) so the cookies
     * are sent on the top-level redirect back from the identity provider.
     */
    public static String set(String name, String value, long maxAgeSeconds, boolean secure) {
        return name + "=" + value + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + maxAgeSeconds
                + (secure ? "; Secure" : "");
    }

    /** A {@code Set-Cookie} value that removes the cookie (empty value, {@code Max-Age=0}). */
    public static String clear(String name, boolean secure) {
        return set(name, "", 0, secure);
    }
}
