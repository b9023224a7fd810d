package io.zeroserve.script;

/** RFC 9110 syntax checks for what scripts pass as methods and header fields. */
final class HttpSyntax {
    private HttpSyntax() {
    }

    /** RFC 9110 §5.6.2 token (methods, header names). */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 §5.5 field value: no CR, LF or NUL (other controls except HTAB are refused too). */
    static boolean isFieldValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
