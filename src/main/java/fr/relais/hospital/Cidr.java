package fr.relais.hospital;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A source network in CIDR notation, IPv4 ({@code 10.12.0.0/16}) or IPv6 ({@code 2001:db8::/32}).
 * A bare address is one host (/32 or /128). Only address literals: a host name would mean a DNS
 * lookup at each association, and a DNS answer is no proof of where a packet came from.
 */
public record Cidr(InetAddress network, int prefix) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** The parsed network, or an exception whose message is the message key of what is wrong. */
    public static Cidr parse(String text) {
        String value = text == null ? "" : text.strip();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        if (!IPV4.matcher(address).matches() && !IPV6.matcher(address).matches()) {
            throw new IllegalArgumentException("{hospital.network.invalid}");
        }
        InetAddress parsed;
        try {
            // A literal: no lookup is made.
            parsed = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("{hospital.network.invalid}");
        }
        if (IPV6.matcher(address).matches() && parsed.getAddress().length == 4) {
            // ::ffff:a.b.c.d: Java reads it as the IPv4 address, and so must the prefix.
            throw new IllegalArgumentException("{hospital.network.invalid}");
        }
        int bits = parsed.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = value.substring(slash + 1);
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("{hospital.network.prefix}");
            }
            prefix = Integer.parseInt(p);
        }
        if (!Arrays.equals(masked(parsed.getAddress(), prefix), parsed.getAddress())) {
            throw new IllegalArgumentException("{hospital.network.hostBits}");
        }
        return new Cidr(parsed, prefix);
    }

    /** The message key of what is wrong with the text, or null when it is a network. */
    static String problem(String text) {
        try {
            parse(text);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** The network an address with host bits set lies in (for the message that suggests it). */
    static String networkOf(String text) {
        String value = text.strip();
        int slash = value.indexOf('/');
        try {
            InetAddress a = InetAddress.getByName(value.substring(0, slash));
            int prefix = Integer.parseInt(value.substring(slash + 1));
            return new Cidr(InetAddress.getByAddress(masked(a.getAddress(), prefix)), prefix).toString();
        } catch (UnknownHostException | RuntimeException e) {
            return value;
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        return a.length == network.getAddress().length && Arrays.equals(masked(a, prefix), network.getAddress());
    }

    private static byte[] masked(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    /** The canonical text, as PostgreSQL's cidr type prints it. */
    @Override
    public String toString() {
        return (network.getAddress().length == 4 ? network.getHostAddress() : compressed(network.getAddress())) + "/" + prefix;
    }

    /** RFC 5952: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
    private static String compressed(byte[] a) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(groups[i]));
        }
        return out.toString();
    }
}
