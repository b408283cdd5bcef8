package io.vmssrunnerscaler.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import org.eclipse.microprofile.config.spi.ConfigSource;

/** The service's configuration mapped outside Quarkus, with Quarkus's converters: for tests and benchmarks. */
public final class ScalerConfigs {
    private ScalerConfigs() {}

    public static ScalerConfig of(ConfigSource... sources) {
        return new SmallRyeConfigBuilder()
                .withMapping(ScalerConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withConverter(MemorySize.class, 100, new MemorySizeConverter())
                .withSources(sources)
                .build()
                .getConfigMapping(ScalerConfig.class);
    }
}
