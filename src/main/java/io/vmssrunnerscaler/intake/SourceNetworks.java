package io.vmssrunnerscaler.intake;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** The networks (CIDR, IPv4 or IPv6) allowed to call the runner endpoints, like the original VNET_CIDR. */
public final class SourceNetworks {
    private record Cidr(byte[] network, int prefix) {
        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Cidr> networks;

    private SourceNetworks(List<Cidr> networks) {
        this.networks = List.copyOf(networks);
    }

    /** Parses CIDRs such as {@code 10.0.0.0/8} or {@code ::1/128}; throws with the bad entry named. */
    public static SourceNetworks parse(List<String> cidrs) {
        List<Cidr> parsed = new ArrayList<>();
        for (String raw : cidrs) {
            String c = raw.trim();
            int slash = c.indexOf('/');
            if (slash < 1 || !c.substring(0, slash).matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("not a CIDR: '" + raw + "'");
            }
            byte[] network;
            int prefix;
            try {
                network = InetAddress.getByName(c.substring(0, slash)).getAddress(); // a literal: no lookup
                prefix = Integer.parseInt(c.substring(slash + 1));
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("not a CIDR: '" + raw + "'");
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException("prefix out of range in '" + raw + "'");
            }
            parsed.add(new Cidr(network, prefix));
        }
        return new SourceNetworks(parsed);
    }

    public boolean allows(InetAddress address) {
        byte[] bytes = address.getAddress();
        return networks.stream().anyMatch(n -> n.contains(bytes));
    }

    /** For a textual address as the HTTP server reports it; false for anything that is not an IP literal. */
    public boolean allows(String address) {
        if (address == null) {
            return false;
        }
        String literal = address.contains("%") ? address.substring(0, address.indexOf('%')) : address; // IPv6 zone
        if (literal.isEmpty() || !literal.matches("[0-9a-fA-F:.]+")) {
            return false; // never a host name: no DNS lookup on the request path
        }
        try {
            return allows(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
