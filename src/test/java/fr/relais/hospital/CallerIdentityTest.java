package fr.relais.hospital;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CallerIdentityTest {

    @Test
    void networksInIpv4AndIpv6ContainTheirAddressesOnly() throws Exception {
        Cidr lan = Cidr.parse("10.12.0.0/16");
        assertThat(lan.contains(InetAddress.getByName("10.12.200.3"))).isTrue();
        assertThat(lan.contains(InetAddress.getByName("10.13.0.1"))).isFalse();
        assertThat(lan.contains(InetAddress.getByName("::1"))).isFalse();
        Cidr loopback = Cidr.parse("127.0.0.1");
        assertThat(loopback).hasToString("127.0.0.1/32");
        assertThat(loopback.contains(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(loopback.contains(InetAddress.getByName("127.0.0.2"))).isFalse();
        Cidr v6 = Cidr.parse("2001:DB8:12:0::/48");
        assertThat(v6).hasToString("2001:db8:12::/48");
        assertThat(v6.contains(InetAddress.getByName("2001:db8:12:ffff::7"))).isTrue();
        assertThat(v6.contains(InetAddress.getByName("2001:db8:13::7"))).isFalse();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("192.0.2.1"))).isTrue();
        assertThat(Cidr.parse("::1/128")).hasToString("::1/128");
        assertThat(Cidr.parse("fe80:0:0:1::/64")).hasToString("fe80:0:0:1::/64");
    }

    @Test
    void whatIsNotANetworkSaysWhy() {
        assertThat(Cidr.problem("10.12.0.0/33")).isEqualTo("{hospital.network.prefix}");
        assertThat(Cidr.problem("10.12.3.4/16")).isEqualTo("{hospital.network.hostBits}");
        assertThat(Cidr.networkOf("10.12.3.4/16")).isEqualTo("10.12.0.0/16");
        assertThat(Cidr.problem("hospital.example/24")).isEqualTo("{hospital.network.invalid}");
        assertThat(Cidr.problem("300.1.1.1/32")).isEqualTo("{hospital.network.invalid}");
        assertThat(Cidr.problem("10.0.0.0/abc")).isEqualTo("{hospital.network.prefix}");
        assertThat(Cidr.problem("2001:db8::/129")).isEqualTo("{hospital.network.prefix}");
        assertThatThrownBy(() -> Cidr.parse("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fingerprintsAreNormalisedAndSubjectsCompareCanonically() {
        String colons = "ab:CD:" + "00:".repeat(29) + "ef";
        assertThat(CertificateIdentity.fingerprint(colons)).isEqualTo("ABCD" + "00".repeat(29) + "EF");
        assertThat(CertificateIdentity.fingerprint("AB".repeat(31))).isNull();
        assertThat(CertificateIdentity.fingerprint("G".repeat(64))).isNull();
        assertThat(CertificateIdentity.canonicalSubject("CN=ct.ch-pau.example, O=CH Pau,C=FR"))
                .isEqualTo(CertificateIdentity.canonicalSubject("cn=CT.CH-PAU.EXAMPLE,o=ch pau,c=fr"));
        assertThat(CertificateIdentity.subject("not a name")).isNull();
    }
}
