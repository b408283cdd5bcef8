package io.vmssrunnerscaler.intake;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The JSON body of every intake answer: what happened, and why when nothing did. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IntakeAnswer(String outcome, String pool, String reason) {

    public static IntakeAnswer of(IntakeOutcome outcome) {
        if (outcome instanceof IntakeOutcome.Accepted a) {
            return new IntakeAnswer("accepted", a.pool(), null);
        }
        if (outcome instanceof IntakeOutcome.Overloaded o) {
            return new IntakeAnswer("overloaded", o.pool(), "too many events waiting; retry later");
        }
        return new IntakeAnswer("ignored", null, ((IntakeOutcome.Ignored) outcome).reason());
    }

    public static IntakeAnswer error(String reason) {
        return new IntakeAnswer("rejected", null, reason);
    }

    public IntakeAnswer withOutcome(String name) {
        return new IntakeAnswer(name, pool, reason);
    }
}
