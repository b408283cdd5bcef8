package io.vmssrunnerscaler.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SourceNetworksTest {
    final SourceNetworks networks = SourceNetworks.parse(List.of("10.1.0.0/16", "192.168.4.0/22", "127.0.0.1/32", "fd00::/8"));

    @ParameterizedTest
    @CsvSource({
            "10.1.2.3, true", "10.2.0.1, false", "192.168.7.255, true", "192.168.8.0, false",
            "127.0.0.1, true", "127.0.0.2, false", "fd12::1, true", "fe80::1, false", "::1, false",
            "localhost, false", "github.com, false", "'', false"})
    void onlyAddressesInsideTheNetworksAreAllowed(String address, boolean allowed) {
        assertEquals(allowed, networks.allows(address));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "::/129", "example.com/8", "/8", "10.0.0.0/x"})
    void badEntriesAreNamed(String cidr) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceNetworks.parse(List.of(cidr)));
        assertEquals(true, e.getMessage().contains(cidr), e::getMessage);
    }
}
