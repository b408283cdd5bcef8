package io.vmssrunnerscaler.config;

import java.util.Locale;
import java.util.Optional;

/** What a runner VM is handed to register with GitHub. */
public enum RunnerConfigMode {
    /** A one-time just-in-time configuration: the runner exists at GitHub before the VM starts it. */
    JIT,
    /** A registration token, URL and labels for {@code config.sh --ephemeral} (the original design). */
    REGISTRATION_TOKEN;

    public static Optional<RunnerConfigMode> parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "jit" -> Optional.of(JIT);
            case "registration-token" -> Optional.of(REGISTRATION_TOKEN);
            default -> Optional.empty();
        };
    }
}
