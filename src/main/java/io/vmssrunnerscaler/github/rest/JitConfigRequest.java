package io.vmssrunnerscaler.github.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The body of {@code POST .../actions/runners/generate-jitconfig}. */
@RegisterForReflection
public record JitConfigRequest(String name, @JsonProperty("runner_group_id") long runnerGroupId, List<String> labels,
        @JsonProperty("work_folder") String workFolder) {}
