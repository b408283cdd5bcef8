package io.vmssrunnerscaler.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmssrunnerscaler.engine.AfterJob;
import io.vmssrunnerscaler.engine.PoolSpec;
import io.vmssrunnerscaler.github.RunnerScope;
import io.vmssrunnerscaler.scaleset.ScaleSetRef;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelRouterTest {
    static Pool pool(String name, String scope, String... labels) {
        return new Pool(new PoolSpec(name, Set.of(labels), 0, 2, 0, AfterJob.DELETE, Duration.ofMinutes(1),
                Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofHours(1)), RunnerScope.parse(scope), "Default",
                new ScaleSetRef("s", "r", name));
    }

    final LabelRouter router = new LabelRouter(List.of(
            pool("linux", "octo-org", "self-hosted", "linux", "x64"),
            pool("gpu", "octo-org", "self-hosted", "linux", "x64", "gpu"),
            pool("one-repo", "someone/tool", "self-hosted", "linux", "x64")));

    @ParameterizedTest(name = "{0} from {1} -> {3}")
    @CsvSource(delimiter = '|', value = {
            "self-hosted,linux     | octo-org/app  | octo-org | linux",
            "SELF-HOSTED,Linux,X64 | octo-org/app  | octo-org | linux",
            "linux,gpu             | octo-org/app  | octo-org | gpu",
            "self-hosted           | someone/tool  |          | one-repo",
            "windows               | octo-org/app  | octo-org | -",
            "ubuntu-latest         | octo-org/app  | octo-org | -",
            "linux                 | stranger/repo |          | -",
            "linux                 | octo-org/app  |          | linux",
    })
    void routesToTheMostSpecificCoveringPoolOfTheScope(String labels, String repo, String org, String expected) {
        String got = router.route(List.of(labels.split(",")), repo, org).map(Pool::name).orElse("-");
        assertEquals(expected, got);
    }
}
