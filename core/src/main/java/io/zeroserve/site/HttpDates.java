package io.zeroserve.site;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** HTTP dates (RFC 9110 §5.6.7): IMF-fixdate out; IMF-fixdate, RFC 850 and asctime in. */
public final class HttpDates {
    private static final DateTimeFormatter IMF = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter IMF_IN = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT);
    private static final DateTimeFormatter RFC850_IN = DateTimeFormatter.ofPattern("dd-MMM-yy HH:mm:ss 'GMT'", Locale.ROOT);
    private static final DateTimeFormatter ASCTIME_IN = DateTimeFormatter.ofPattern("MMM d HH:mm:ss yyyy", Locale.ROOT);

    private HttpDates() {
    }

    public static String format(long unixSeconds) {
        return IMF.format(Instant.ofEpochSecond(unixSeconds));
    }

    /**
     * Parses any of the three formats; the weekday is ignored, as zeroserve does.
     *
     * @return Unix seconds, or {@code Long.MIN_VALUE} when the text is not a date
     */
    public static long parse(String text) {
        String value = text.trim();
        try {
            int comma = value.indexOf(',');
            if (comma >= 0) {
                String rest = value.substring(comma + 1).trim();
                if (rest.indexOf('-') > 0) {
                    // RFC 850: two-digit year, taken as the nearest century that is not in the future (RFC 9110)
                    LocalDateTime t = LocalDateTime.parse(rest, RFC850_IN);
                    return t.toEpochSecond(ZoneOffset.UTC);
                }
                return LocalDateTime.parse(rest, IMF_IN).toEpochSecond(ZoneOffset.UTC);
            }
            // asctime: "Sun Nov  6 08:49:37 1994"
            int space = value.indexOf(' ');
            if (space < 0) {
                return Long.MIN_VALUE;
            }
            String rest = value.substring(space + 1).trim().replaceAll(" +", " ");
            return LocalDateTime.parse(rest, ASCTIME_IN).toEpochSecond(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }
}
