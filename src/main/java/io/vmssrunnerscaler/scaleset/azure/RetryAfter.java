package io.vmssrunnerscaler.scaleset.azure;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Reads how long a server asks us to wait, from the headers Azure uses for it. */
final class RetryAfter {
    private RetryAfter() {
    }

    /**
     * {@code retry-after-ms} / {@code x-ms-retry-after-ms} (milliseconds) win over
     * {@code Retry-After} (seconds, or an HTTP date relative to {@code now}).
     */
    static Optional<Duration> parse(UnaryOperator<String> header, Instant now) {
        for (String name : new String[] {"retry-after-ms", "x-ms-retry-after-ms"}) {
            Optional<Long> ms = number(header.apply(name));
            if (ms.isPresent()) {
                return Optional.of(Duration.ofMillis(ms.get()));
            }
        }
        String value = header.apply("Retry-After");
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Optional<Long> seconds = number(value);
        if (seconds.isPresent()) {
            return Optional.of(Duration.ofSeconds(seconds.get()));
        }
        try {
            Instant at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> number(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            long n = Long.parseLong(value.trim());
            return n >= 0 ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
