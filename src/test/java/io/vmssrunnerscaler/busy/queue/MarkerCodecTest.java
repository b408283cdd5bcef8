package io.vmssrunnerscaler.busy.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vmssrunnerscaler.busy.BusyMarker;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

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

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "42", "{}", "{\"v\":2,\"pool\":\"p\",\"runner\":\"r\"}",
            "{\"v\":1,\"runner\":\"r\"}", "{\"v\":1,\"pool\":\"p\",\"runner\":\"r\",\"since\":\"yesterday\"}"})
    void anythingElseIsNotAMarker(String text) {
        assertEquals(Optional.empty(), codec.decode(text));
    }
}
