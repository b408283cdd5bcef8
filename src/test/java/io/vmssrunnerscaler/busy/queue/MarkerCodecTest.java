package io.vmssrunnerscaler.busy.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmssrunnerscaler.busy.BusyMarker;
import io.vmssrunnerscaler.busy.LostMarker;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MarkerCodecTest {
    private final MarkerCodec codec = new MarkerCodec();

    @Test
    void aMarkerSurvivesTheRoundTrip() {
        BusyMarker marker = new BusyMarker("linux", "vm00002s", "7", 9_007_199_254_740_993L,
                Instant.parse("2025-01-01T10:00:00.123Z"));
        assertEquals(Optional.of(marker), codec.decode(codec.encode(marker)));
    }

    @Test
    void unknownInstanceAndStartStayUnknown() {
        BusyMarker marker = new BusyMarker("linux", "vm-a", null, 0, null);
        assertEquals(Optional.of(marker), codec.decode(codec.encode(marker)));
    }

    @Test
    void aBusyRunnersRepositoryAndALostJobSurviveTheRoundTrip() {
        Instant t = Instant.parse("2026-12-06T10:09:00Z");
        BusyMarker busy = new BusyMarker("linux", "vm00003s", "3", 44, "octo-org/app", t);
        LostMarker lost = new LostMarker("linux@linux-spot", 44, "octo-org/app", "vm00003s", "evicted", t);
        LostMarker unknownJob = new LostMarker("linux", 0, "", "vm00004s", "vanished", t);
        assertEquals(Optional.of(busy), codec.decode(codec.encode(busy)));
        assertEquals(Optional.of(lost), codec.decode(codec.encode(lost)));
        assertEquals(Optional.of(unknownJob), codec.decode(codec.encode(unknownJob)));
        assertEquals("lost runner vm00004s", unknownJob.subject());
    }

    @Test
    void aBusyMarkerWrittenBeforeRepositoriesWereKeptStillLoads() {
        assertEquals(Optional.of(new BusyMarker("linux", "vm-a", "1", 5, Instant.parse("2025-01-01T10:00:00Z"))),
                codec.decode("{\"v\":1,\"pool\":\"linux\",\"runner\":\"vm-a\",\"instanceId\":\"1\",\"jobId\":5,"
                        + "\"since\":\"2025-01-01T10:00:00Z\"}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"v\":1,\"kind\":\"lost\",\"pool\":\"p\",\"jobId\":1}", "", "not json", "[]", "42", "{}", "{\"v\":2,\"pool\":\"p\",\"runner\":\"r\"}",
            "{\"v\":1,\"runner\":\"r\"}", "{\"v\":1,\"pool\":\"p\",\"runner\":\"r\",\"since\":\"yesterday\"}"})
    void anythingElseIsNotAMarker(String text) {
        assertEquals(Optional.empty(), codec.decode(text));
    }
}
